import { Router, type Request } from 'express';
import type { z } from 'zod';
import {
  CreateProposalRequest,
  DecideProposalRequest,
  DeclineProposalRequest,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { param, validateBody } from '../http/validate.ts';
import { proposalService } from './service.ts';

/** Medication proposals of a plan: `/plans/:planId/proposals`. */
export function proposalRoutes(ctx: AppContext): Router {
  const proposals = proposalService(ctx);
  const router = Router();
  const base = '/plans/:planId/proposals';
  const meta = (req: Request) => ({ requestId: req.id, ip: req.ip });
  router.use(base, requireUser(ctx));

  router.get(base, async (req, res) => {
    res.json(await proposals.list(userOf(req), param(req, 'planId'), meta(req)));
  });

  router.post(base, validateBody(CreateProposalRequest), async (req, res) => {
    const body = req.body as z.infer<typeof CreateProposalRequest>;
    res
      .status(201)
      .json(
        await proposals.propose(
          { type: 'person', user: userOf(req) },
          param(req, 'planId'),
          body,
          meta(req),
        ),
      );
  });

  router.post(
    `${base}/:proposalId/accept`,
    validateBody(DecideProposalRequest),
    async (req, res) => {
      const { reason, today } = req.body as z.infer<typeof DecideProposalRequest>;
      res.json(
        await proposals.accept(
          userOf(req),
          param(req, 'planId'),
          param(req, 'proposalId'),
          { reason, today },
          meta(req),
        ),
      );
    },
  );

  router.post(
    `${base}/:proposalId/decline`,
    validateBody(DeclineProposalRequest),
    async (req, res) => {
      const { reason } = req.body as z.infer<typeof DeclineProposalRequest>;
      res.json(
        await proposals.decline(
          userOf(req),
          param(req, 'planId'),
          param(req, 'proposalId'),
          reason,
          meta(req),
        ),
      );
    },
  );

  return router;
}
