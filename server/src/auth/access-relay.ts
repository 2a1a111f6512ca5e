import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { subscribeChannel } from '../redis.ts';

export type AccessRelay = { close(): Promise<void> };

/**
 * Makes a care-team change reach the live connections of every instance: a
 * member removed (or given another role) on one instance may have collab
 * connections open on others, which must re-check their access at once, not
 * when they reconnect. The instance that made the change announces the user
 * on a Redis channel; the others raise `access:recheck` for them. Without
 * Redis there are no other instances and nothing to do.
 */
export async function startAccessRelay(ctx: AppContext): Promise<AccessRelay> {
  const redis = ctx.redis;
  if (!redis) return { close: async () => {} };
  const channel = `tandem:${ctx.conn.name}:access-changed`;
  const instance = randomBytes(8).toString('hex');

  const unsubscribe = await subscribeChannel(redis, ctx.log, channel, (message) => {
    const [from, userId] = message.split(' ');
    if (from !== instance && userId) ctx.events.emit('access:recheck', userId);
  });

  const onChange = ({ userId }: { userId: string }) => {
    redis
      .publish(channel, `${instance} ${userId}`)
      .catch((err: unknown) =>
        ctx.log.warn({ err: String(err) }, 'could not announce an access change'),
      );
  };
  ctx.events.on('membership:changed', onChange);

  return {
    async close() {
      ctx.events.off('membership:changed', onChange);
      await unsubscribe();
    },
  };
}
