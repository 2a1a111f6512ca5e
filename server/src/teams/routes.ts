import { Router } from 'express';
import { AddMemberRequest, ChangeMemberRoleRequest } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { authorizeTeam } from '../authz/authorize.ts';
import { param, validateBody } from '../http/validate.ts';
import { actorOf, requestMeta } from '../http/request-meta.ts';
import { teamService } from './service.ts';

/** Care teams: any member reads the team; coordinators manage its members. */
export function teamRoutes(ctx: AppContext): Router {
  const teams = teamService(ctx);
  const router = Router();
  router.use('/teams', requireUser(ctx));
  const team = (req: Parameters<typeof requestMeta>[0], action: 'team.read' | 'team.manage') =>
    authorizeTeam(ctx, userOf(req), { action }, param(req, 'teamId'), requestMeta(req));

  router.get('/teams', async (req, res) => {
    res.json(await teams.list(userOf(req)));
  });

  router.get('/teams/:teamId', async (req, res) => {
    res.json(await teams.get(await team(req, 'team.read')));
  });

  router.post('/teams/:teamId/members', validateBody(AddMemberRequest), async (req, res) => {
    const scope = await team(req, 'team.manage');
    const result = await teams.addMember(scope, req.body as AddMemberRequest, actorOf(req));
    // The response can carry an initial password: keep it out of every cache.
    res.status(201).json(result);
  });

  router.patch(
    '/teams/:teamId/members/:userId',
    validateBody(ChangeMemberRoleRequest),
    async (req, res) => {
      const scope = await team(req, 'team.manage');
      const { role } = req.body as ChangeMemberRoleRequest;
      res.json(await teams.changeMemberRole(scope, param(req, 'userId'), role, actorOf(req)));
    },
  );

  router.post('/teams/:teamId/members/:userId/password', async (req, res) => {
    const scope = await team(req, 'team.manage');
    const result = await teams.resetMemberPassword(scope, param(req, 'userId'), actorOf(req));
    // The response carries a password: keep it out of every cache.
    res.json(result);
  });

  router.delete('/teams/:teamId/members/:userId', async (req, res) => {
    const scope = await team(req, 'team.manage');
    await teams.removeMember(scope, param(req, 'userId'), actorOf(req));
    res.status(204).end();
  });

  return router;
}
