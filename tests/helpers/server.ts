import { randomBytes } from 'node:crypto';
import { inject, onTestFinished } from 'vitest';
import { afterAll } from 'vitest';
import { createTandem, type Tandem } from '@tandem/server';
import { loadConfig, type Config } from '@tandem/server/env.ts';
import { createLogger } from '@tandem/server/log.ts';
import type { Clock } from '@tandem/server/context.ts';

export type TestServer = { url: string; tandem: Tandem; dbName: string; config: Config };

export type TestServerOptions = {
  /** Connect to the shared test Redis (needed for several instances). */
  redis?: boolean;
  /** Share a database with another test server (several instances of one deployment). */
  dbName?: string;
  /** Seed the demo care teams. */
  seedDemo?: boolean;
  clock?: Clock;
  /** How often sockets of expired sessions are closed (default 30 s). */
  sessionSweepMs?: number;
  env?: Record<string, string>;
  /** Serve the built web app too (e2e). */
  web?: boolean;
};

export function uniqueDbName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/**
 * Starts a real Tandem server on port 0 against the test database (and Redis
 * when asked). It stops when the test, or the file when started in a hook, ends.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dbName = opts.dbName ?? uniqueDbName();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: inject('mongodbUri'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: opts.seedDemo ? 'true' : 'false',
    ...(opts.redis ? { REDIS_URL: inject('redisUrl') } : {}),
    ...(opts.web ? {} : { WEB_BUILD_DIR: '/nonexistent' }),
    ...opts.env,
  });
  const tandem = await createTandem({
    config,
    dbName,
    log: createLogger(config),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.sessionSweepMs ? { sessionSweepMs: opts.sessionSweepMs } : {}),
  });
  const url = await tandem.listen();
  registerTeardown(() => tandem.close());
  return { url, tandem, dbName, config };
}

/** Tears down after the current test, or after the file when called outside a test. */
export function registerTeardown(fn: () => Promise<void>): void {
  try {
    onTestFinished(fn);
  } catch {
    afterAll(fn);
  }
}
