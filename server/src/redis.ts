import { createClient } from 'redis';
import type { Logger } from './log.ts';

export type RedisClient = ReturnType<typeof createClient>;

/** Connects to Redis; only called when REDIS_URL is set. */
export async function connectRedis(url: string, log: Logger): Promise<RedisClient> {
  const client = createClient({
    url,
    socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 3000) },
  });
  // Without a listener node-redis would throw on connection errors; reconnects are automatic.
  client.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  await client.connect();
  return client;
}

/**
 * Listens on a pub/sub channel. A subscribed client can send nothing else, so
 * this opens its own connection (with the same settings); the returned
 * function closes it.
 */
export async function subscribeChannel(
  redis: RedisClient,
  log: Logger,
  channel: string,
  onMessage: (message: string) => void,
): Promise<() => Promise<void>> {
  const subscriber = redis.duplicate();
  subscriber.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  await subscriber.connect();
  await subscriber.subscribe(channel, onMessage);
  return () => subscriber.close().catch(() => {});
}

/** Longest a health check waits for Redis's answer. */
const PING_TIMEOUT_MS = 1_000;

/**
 * Whether Redis answers now. A client that is reconnecting queues commands
 * until Redis is back, so a ping then would wait out the outage: it counts as down.
 */
export async function pingRedis(client: RedisClient): Promise<boolean> {
  if (!client.isReady) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>(
    (resolve) => (timer = setTimeout(resolve, PING_TIMEOUT_MS, false)),
  );
  try {
    return (await Promise.race([client.ping(), late])) === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
