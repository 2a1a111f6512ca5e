import { Router, type Request } from 'express';
import type { z } from 'zod';
import {
  ConferenceListQuery,
  CreateActionItemRequest,
  CreateConferenceRequest,
  CreateDecisionRequest,
  UpdateActionItemRequest,
  UpdateConferenceRequest,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { param, parseQuery, validateBody } from '../http/validate.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { ConferenceEngine } from './engine.ts';
import { caseBrief } from './brief.ts';

/**
 * Case conferences (`/conferences`), what they record, and where it lands:
 * `/plans/:planId/action-items`, `/plans/:planId/conference-summaries` and
 * the caller's own `/action-items`. Live control goes over Socket.IO.
 */
export function conferenceRoutes(ctx: AppContext, engine: ConferenceEngine): Router {
  const { conferences, records, minutes } = engine;
  const router = Router();
  router.use(
    [
      '/conferences',
      '/action-items',
      '/plans/:planId/action-items',
      '/plans/:planId/conference-summaries',
    ],
    requireUser(ctx),
  );
  const id = (req: Request) => param(req, 'conferenceId');
  const caseId = (req: Request) => param(req, 'caseId');

  router.get('/conferences', async (req, res) => {
    const { when } = parseQuery(ConferenceListQuery, req.query);
    res.json(await conferences.list(userOf(req), when, requestMeta(req)));
  });

  router.post('/conferences', validateBody(CreateConferenceRequest), async (req, res) => {
    const body = req.body as z.output<typeof CreateConferenceRequest>;
    res.status(201).json(await conferences.create(userOf(req), body, requestMeta(req)));
  });

  router.get('/conferences/:conferenceId', async (req, res) => {
    res.json(await conferences.get(userOf(req), id(req), requestMeta(req)));
  });

  router.patch(
    '/conferences/:conferenceId',
    validateBody(UpdateConferenceRequest),
    async (req, res) => {
      const body = req.body as z.output<typeof UpdateConferenceRequest>;
      res.json(await conferences.update(userOf(req), id(req), body, requestMeta(req)));
    },
  );

  router.delete('/conferences/:conferenceId', async (req, res) => {
    await conferences.remove(userOf(req), id(req), requestMeta(req));
    res.status(204).end();
  });

  router.post('/conferences/:conferenceId/start', async (req, res) => {
    res.json(await conferences.start(userOf(req), id(req), requestMeta(req)));
  });

  router.post('/conferences/:conferenceId/end', async (req, res) => {
    res.json(await conferences.end(userOf(req), id(req), requestMeta(req)));
  });

  router.get('/conferences/:conferenceId/cases/:caseId/brief', async (req, res) => {
    res.json(await caseBrief(ctx, userOf(req), id(req), caseId(req), requestMeta(req)));
  });

  router.post(
    '/conferences/:conferenceId/cases/:caseId/decisions',
    validateBody(CreateDecisionRequest),
    async (req, res) => {
      const body = req.body as z.output<typeof CreateDecisionRequest>;
      res
        .status(201)
        .json(await records.decide(userOf(req), id(req), caseId(req), body, requestMeta(req)));
    },
  );

  router.post(
    '/conferences/:conferenceId/cases/:caseId/action-items',
    validateBody(CreateActionItemRequest),
    async (req, res) => {
      const body = req.body as z.output<typeof CreateActionItemRequest>;
      res
        .status(201)
        .json(await records.assign(userOf(req), id(req), caseId(req), body, requestMeta(req)));
    },
  );

  router.get('/conferences/:conferenceId/records', async (req, res) => {
    res.json(await records.list(userOf(req), id(req), requestMeta(req)));
  });

  router.get('/conferences/:conferenceId/attendance', async (req, res) => {
    res.json(await minutes.attendance(userOf(req), id(req), requestMeta(req)));
  });

  router.get('/conferences/:conferenceId/minutes', async (req, res) => {
    res.json(await minutes.json(userOf(req), id(req), requestMeta(req)));
  });

  router.get('/conferences/:conferenceId/minutes.md', async (req, res) => {
    const text = await minutes.markdown(userOf(req), id(req), requestMeta(req));
    res
      .type('text/markdown; charset=utf-8')
      .set('Content-Disposition', `inline; filename="conference-${id(req)}-minutes.md"`)
      .send(text);
  });

  router.get('/plans/:planId/action-items', async (req, res) => {
    res.json(await records.forPlan(userOf(req), param(req, 'planId'), requestMeta(req)));
  });

  router.get('/plans/:planId/conference-summaries', async (req, res) => {
    res.json(await records.summariesForPlan(userOf(req), param(req, 'planId'), requestMeta(req)));
  });

  router.get('/action-items', async (req, res) => {
    res.json(await records.mine(userOf(req), requestMeta(req)));
  });

  router.patch('/action-items/:itemId', validateBody(UpdateActionItemRequest), async (req, res) => {
    const { status } = req.body as z.output<typeof UpdateActionItemRequest>;
    res.json(await records.setStatus(userOf(req), param(req, 'itemId'), status, requestMeta(req)));
  });

  return router;
}
