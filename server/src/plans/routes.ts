import { Router } from 'express';
import { OwnWordsRequest, PlanEditsQuery, PlanListQuery } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { param, parseQuery, validateBody } from '../http/validate.ts';
import { getPlan, listPlans } from './service.ts';
import { planEdits } from './edits.ts';
import { setOwnWords } from './own-words.ts';

export function planRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/plans', requireUser(ctx));

  router.get('/plans', async (req, res) => {
    const { standing } = parseQuery(PlanListQuery, req.query);
    res.json(
      await listPlans(
        ctx,
        userOf(req),
        { requestId: req.id, ip: req.ip ?? null },
        { standing: standing === 'true' },
      ),
    );
  });

  router.get('/plans/:planId', async (req, res) => {
    res.json(
      await getPlan(ctx, userOf(req), req.params.planId!, { requestId: req.id, ip: req.ip }),
    );
  });

  router.get('/plans/:planId/edits', async (req, res) => {
    const { limit } = parseQuery(PlanEditsQuery, req.query);
    res.json(
      await planEdits(ctx, userOf(req), param(req, 'planId'), limit, {
        requestId: req.id,
        ip: req.ip,
      }),
    );
  });

  router.put(
    '/plans/:planId/goals/:goalId/own-words',
    validateBody(OwnWordsRequest),
    async (req, res) => {
      const { text } = req.body as { text: string };
      await setOwnWords(ctx, userOf(req), param(req, 'planId'), param(req, 'goalId'), text, {
        requestId: req.id,
        ip: req.ip,
      });
      res.status(204).end();
    },
  );

  return router;
}
