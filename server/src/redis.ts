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

export async function pingRedis(client: RedisClient): Promise<boolean> {
  try {
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  }
}
