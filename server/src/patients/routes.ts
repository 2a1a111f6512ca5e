import { Router } from 'express';
import { CreatePatientRequest } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { authorizeTeam } from '../authz/authorize.ts';
import { param, validateBody } from '../http/validate.ts';
import { actorOf, requestMeta } from '../http/request-meta.ts';
import { createPatient, listPatients, resetPatientPassword } from './service.ts';

/** A team's patients: members list them; coordinators create them (record, account and plan) and reset their passwords. */
export function patientRoutes(ctx: AppContext): Router {
  const router = Router();
  const base = '/teams/:teamId/patients';
  router.use(base, requireUser(ctx));
  const team = (req: Parameters<typeof requestMeta>[0], action: 'team.read' | 'team.manage') =>
    authorizeTeam(ctx, userOf(req), { action }, param(req, 'teamId'), requestMeta(req));

  router.get(base, async (req, res) => {
    const scope = await team(req, 'team.read');
    res.json(await listPatients(ctx, scope, actorOf(req)));
  });

  router.post(base, validateBody(CreatePatientRequest), async (req, res) => {
    const scope = await team(req, 'team.manage');
    const result = await createPatient(ctx, scope, req.body as CreatePatientRequest, actorOf(req));
    // The response carries the patient's initial password: keep it out of every cache.
    res.status(201).json(result);
  });

  router.post(`${base}/:patientId/password`, async (req, res) => {
    const scope = await team(req, 'team.manage');
    const result = await resetPatientPassword(ctx, scope, param(req, 'patientId'), actorOf(req));
    // The response carries the patient's new first password: keep it out of every cache.
    res.json(result);
  });

  return router;
}
