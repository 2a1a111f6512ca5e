import { Router } from 'express';
import { AccessLogQuery, AuditQuery } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { authorizeSelf, authorizeTeam, authorizeTeams } from '../authz/authorize.ts';
import { parseQuery } from '../http/validate.ts';
import { actorOf, requestMeta } from '../http/request-meta.ts';
import { accessLog, listAudit, verifyAudit } from './queries.ts';

/**
 * The audit trail: coordinators read their teams' records and verify the
 * chain; a patient reads who opened their own record.
 */
export function auditRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(['/audit', '/me/access-log'], requireUser(ctx));

  router.get('/audit', async (req, res) => {
    const q = parseQuery(AuditQuery, req.query);
    const user = userOf(req);
    const permission = { action: 'audit.read' } as const;
    const teams = q.teamId
      ? [await authorizeTeam(ctx, user, permission, q.teamId, requestMeta(req))]
      : await authorizeTeams(ctx, user, permission, requestMeta(req));
    res.json(await listAudit(ctx, teams, q, actorOf(req)));
  });

  router.get('/audit/verify', async (req, res) => {
    await authorizeTeams(ctx, userOf(req), { action: 'audit.verify' }, requestMeta(req));
    res.json(await verifyAudit(ctx, actorOf(req)));
  });

  router.get('/me/access-log', async (req, res) => {
    const q = parseQuery(AccessLogQuery, req.query);
    const self = await authorizeSelf(ctx, userOf(req), { action: 'audit.own' }, requestMeta(req));
    res.json(await accessLog(ctx, self, q, actorOf(req)));
  });

  return router;
}
