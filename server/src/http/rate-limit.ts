import type { Clock } from '../context.ts';
import type { RedisClient } from '../redis.ts';

export type RateLimitResult = { allowed: boolean; retryAfterMs: number; count: number };

/**
 * A fixed-window counter per key. With Redis the window is shared by every instance.
 * Count first, then decide on the returned count: a check followed later by a count
 * lets every concurrent request pass the check before any of them is counted.
 */
export type RateLimiter = {
  /** Counts one event atomically and says whether the key is still within its limit. */
  hit(key: string): Promise<RateLimitResult>;
  /** Takes back one counted event that turned out not to count (a sign-in that succeeded). */
  undo(key: string): Promise<void>;
  reset(key: string): Promise<void>;
};

export type RateLimitOptions = { windowMs: number; max: number; prefix: string };

export function createRateLimiter(
  redis: RedisClient | null,
  clock: Clock,
  opts: RateLimitOptions,
): RateLimiter {
  return redis ? redisLimiter(redis, opts) : memoryLimiter(clock, opts);
}

function memoryLimiter(clock: Clock, opts: RateLimitOptions): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const current = (key: string) => {
    const now = clock.now();
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + opts.windowMs };
      windows.set(key, w);
    }
    if (windows.size > 10_000) {
      for (const [k, v] of windows) if (v.resetAt <= now) windows.delete(k);
    }
    return { w, now };
  };
  return {
    async hit(key) {
      const { w, now } = current(key);
      w.count++;
      const allowed = w.count <= opts.max;
      return { allowed, retryAfterMs: allowed ? 0 : w.resetAt - now, count: w.count };
    },
    async undo(key) {
      const w = windows.get(key);
      if (w && w.resetAt > clock.now() && w.count > 0) w.count--;
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

function redisLimiter(redis: RedisClient, opts: RateLimitOptions): RateLimiter {
  const k = (key: string) => `${opts.prefix}:${key}`;
  return {
    async hit(key) {
      const [count, , ttl] = (await redis
        .multi()
        .incr(k(key))
        .pExpire(k(key), opts.windowMs, 'NX')
        .pTTL(k(key))
        .exec()) as unknown as [number, number, number];
      const allowed = count <= opts.max;
      return { allowed, retryAfterMs: allowed ? 0 : Math.max(ttl, 1000), count };
    },
    async undo(key) {
      // If the window ended meanwhile, DECR starts a new one at -1: give it an expiry
      // too, so the key does not outlive its window (that window allows one more try).
      await redis.multi().decr(k(key)).pExpire(k(key), opts.windowMs, 'NX').exec();
    },
    async reset(key) {
      await redis.del(k(key));
    },
  };
}
