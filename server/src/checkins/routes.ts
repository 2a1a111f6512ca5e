import { Router, type Request } from 'express';
import type { z } from 'zod';
import { FollowUpCheckInRequest, SubmitCheckInRequest } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { param, validateBody } from '../http/validate.ts';
import { checkInService } from './service.ts';

/** The patient's check-ins (PHQ-9, GAD-7) on a plan: `/plans/:planId/check-ins`. */
export function checkInRoutes(ctx: AppContext): Router {
  const checkIns = checkInService(ctx);
  const router = Router();
  const base = '/plans/:planId/check-ins';
  const meta = (req: Request) => ({ requestId: req.id, ip: req.ip });
  router.use(base, requireUser(ctx));

  router.get(base, async (req, res) => {
    res.json(await checkIns.list(userOf(req), param(req, 'planId'), meta(req)));
  });

  router.post(base, validateBody(SubmitCheckInRequest), async (req, res) => {
    const body = req.body as z.output<typeof SubmitCheckInRequest>;
    res.status(201).json(await checkIns.submit(userOf(req), param(req, 'planId'), body, meta(req)));
  });

  router.post(
    `${base}/:checkInId/follow-up`,
    validateBody(FollowUpCheckInRequest),
    async (req, res) => {
      const { note } = req.body as z.output<typeof FollowUpCheckInRequest>;
      res.json(
        await checkIns.followUp(
          userOf(req),
          param(req, 'planId'),
          param(req, 'checkInId'),
          note,
          meta(req),
        ),
      );
    },
  );

  return router;
}
