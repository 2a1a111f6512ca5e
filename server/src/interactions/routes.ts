import { Router, type Request } from 'express';
import type { z } from 'zod';
import { AcknowledgeInteractionRequest } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { param, validateBody } from '../http/validate.ts';
import { interactionService } from './service.ts';

/** Drug-interaction warnings of a plan and the prescriber's acknowledgements. */
export function interactionRoutes(ctx: AppContext): Router {
  const interactions = interactionService(ctx);
  const router = Router();
  const base = '/plans/:planId/interactions';
  const meta = (req: Request) => ({ requestId: req.id, ip: req.ip });
  router.use(base, requireUser(ctx));

  router.get(base, async (req, res) => {
    res.json(await interactions.list(userOf(req), param(req, 'planId'), meta(req)));
  });

  router.post(
    `${base}/acknowledge`,
    validateBody(AcknowledgeInteractionRequest),
    async (req, res) => {
      const { key, reason } = req.body as z.infer<typeof AcknowledgeInteractionRequest>;
      res.json(
        await interactions.acknowledge(userOf(req), param(req, 'planId'), key, reason, meta(req)),
      );
    },
  );

  return router;
}
