import { Router } from 'express';
import { z } from 'zod';
import { CreateCommentRequest, EditCommentRequest, ReplyRequest } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { param, parseQuery, validateBody } from '../http/validate.ts';
import { commentService } from './service.ts';

const ListQuery = z.strictObject({ goalId: z.string().min(1).max(64).optional() });

/** Comment threads anchored to plan goals: `/plans/:planId/comments`. */
export function commentRoutes(ctx: AppContext): Router {
  const comments = commentService(ctx);
  const router = Router();
  const base = '/plans/:planId/comments';
  router.use(base, requireUser(ctx));
  const meta = (req: { id: string; ip?: string | undefined }) => ({
    requestId: req.id,
    ip: req.ip,
  });

  router.get(base, async (req, res) => {
    const { goalId } = parseQuery(ListQuery, req.query);
    res.json(await comments.list(userOf(req), param(req, 'planId'), goalId, meta(req)));
  });

  router.post(base, validateBody(CreateCommentRequest), async (req, res) => {
    const body = req.body as z.infer<typeof CreateCommentRequest>;
    res.status(201).json(await comments.create(userOf(req), param(req, 'planId'), body, meta(req)));
  });

  router.post(`${base}/:commentId/replies`, validateBody(ReplyRequest), async (req, res) => {
    const body = req.body as z.infer<typeof ReplyRequest>;
    res
      .status(201)
      .json(
        await comments.reply(
          userOf(req),
          param(req, 'planId'),
          param(req, 'commentId'),
          body,
          meta(req),
        ),
      );
  });

  router.patch(`${base}/:commentId`, validateBody(EditCommentRequest), async (req, res) => {
    const { body } = req.body as z.infer<typeof EditCommentRequest>;
    res.json(
      await comments.edit(
        userOf(req),
        param(req, 'planId'),
        param(req, 'commentId'),
        body,
        meta(req),
      ),
    );
  });

  for (const [verb, resolved] of [
    ['resolve', true],
    ['reopen', false],
  ] as const) {
    router.post(`${base}/:commentId/${verb}`, async (req, res) => {
      res.json(
        await comments.setResolved(
          userOf(req),
          param(req, 'planId'),
          param(req, 'commentId'),
          resolved,
          meta(req),
        ),
      );
    });
  }

  return router;
}
