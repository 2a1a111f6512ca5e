import { Router } from 'express';
import type { Health } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { pingDb } from '../db/connect.ts';
import { pingRedis } from '../redis.ts';

/** `GET /api/v1/health`: really pings the database and Redis; 503 when either is down. */
export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [db, redis] = await Promise.all([
      pingDb(ctx.conn),
      ctx.redis ? pingRedis(ctx.redis) : Promise.resolve(null),
    ]);
    const body: Health = {
      status: db && redis !== false ? 'ok' : 'degraded',
      db: db ? 'ok' : 'down',
      redis: redis === null ? 'disabled' : redis ? 'ok' : 'down',
      version: ctx.version,
    };
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  });
  return router;
}
