import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { param } from '../http/validate.ts';
import { exportPlanFhir } from './service.ts';

export function fhirRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/plans/:planId/fhir', requireUser(ctx), async (req, res) => {
    const baseUrl = ctx.config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
    const bundle = await exportPlanFhir(ctx, userOf(req), param(req, 'planId'), baseUrl, {
      requestId: req.id,
      ip: req.ip,
    });
    res.type('application/fhir+json').json(bundle);
  });
  return router;
}
