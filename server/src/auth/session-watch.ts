import type { AppContext } from '../context.ts';
import { subscribeChannel } from '../redis.ts';
import { invalidSessions } from './sessions.ts';

/** Redis channel on which any instance announces an ended session to the others. */
export function sessionEndedChannel(ctx: AppContext): string {
  return `tandem:${ctx.conn.name}:session-ended`;
}

export type SessionWatch = {
  /** Registers an open socket of a session; call the returned function when it closes. */
  track(sessionId: string): () => void;
  close(): Promise<void>;
};

/**
 * Closes sockets whose session ends: at once for logouts (in-process event,
 * relayed between instances through Redis), and within `intervalMs` for
 * sessions that expire while their sockets stay open.
 */
export async function startSessionWatch(
  ctx: AppContext,
  intervalMs = 30_000,
): Promise<SessionWatch> {
  const open = new Map<string, number>();

  const unsubscribe = ctx.redis
    ? await subscribeChannel(ctx.redis, ctx.log, sessionEndedChannel(ctx), (sessionId) => {
        if (open.has(sessionId)) ctx.events.emit('session:ended', sessionId);
      })
    : null;

  const sweep = async () => {
    try {
      for (const id of await invalidSessions(ctx, [...open.keys()])) {
        ctx.events.emit('session:ended', id);
      }
    } catch (err) {
      ctx.log.warn({ err }, 'session sweep failed');
    }
  };
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();

  return {
    track(sessionId) {
      open.set(sessionId, (open.get(sessionId) ?? 0) + 1);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        const n = (open.get(sessionId) ?? 1) - 1;
        if (n <= 0) open.delete(sessionId);
        else open.set(sessionId, n);
      };
    },
    async close() {
      clearInterval(timer);
      await unsubscribe?.();
    },
  };
}
