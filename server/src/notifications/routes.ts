import { Router } from 'express';
import { MarkReadRequest } from '@tandem/shared';
import type { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { validateBody } from '../http/validate.ts';
import { listNotifications, markRead } from './service.ts';

/** The caller's own in-app notifications. */
export function notificationRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/notifications', requireUser(ctx));

  router.get('/notifications', async (req, res) => {
    res.json(await listNotifications(ctx, userOf(req)));
  });

  router.post('/notifications/read', validateBody(MarkReadRequest), async (req, res) => {
    const body = req.body as z.infer<typeof MarkReadRequest>;
    res.json({ updated: await markRead(ctx, userOf(req), body) });
  });

  return router;
}
