import type { Clock } from '../context.ts';
import type { RedisClient } from '../redis.ts';

export type RateLimitResult = { allowed: boolean; retryAfterMs: number; count: number };

/** A fixed-window counter per key. With Redis the window is shared by every instance. */
export type RateLimiter = {
  /** Counts one event and says whether the key is still within its limit. */
  hit(key: string): Promise<RateLimitResult>;
  /** Says whether the key is within its limit without counting. */
  peek(key: string): Promise<RateLimitResult>;
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
  const result = (count: number, resetAt: number, now: number): RateLimitResult => ({
    allowed: count <= opts.max,
    retryAfterMs: count <= opts.max ? 0 : resetAt - now,
    count,
  });
  return {
    async hit(key) {
      const { w, now } = current(key);
      w.count++;
      return result(w.count, w.resetAt, now);
    },
    async peek(key) {
      const { w, now } = current(key);
      return result(w.count + 1, w.resetAt, now);
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

function redisLimiter(redis: RedisClient, opts: RateLimitOptions): RateLimiter {
  const k = (key: string) => `${opts.prefix}:${key}`;
  const result = (count: number, ttl: number): RateLimitResult => ({
    allowed: count <= opts.max,
    retryAfterMs: count <= opts.max ? 0 : Math.max(ttl, 1000),
    count,
  });
  return {
    async hit(key) {
      const [count, , ttl] = (await redis
        .multi()
        .incr(k(key))
        .pExpire(k(key), opts.windowMs, 'NX')
        .pTTL(k(key))
        .exec()) as unknown as [number, number, number];
      return result(count, ttl);
    },
    async peek(key) {
      const [raw, ttl] = await Promise.all([redis.get(k(key)), redis.pTTL(k(key))]);
      return result(Number(raw ?? 0) + 1, ttl);
    },
    async reset(key) {
      await redis.del(k(key));
    },
  };
}
