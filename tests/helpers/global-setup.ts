import type { TestProject } from 'vitest/node';
import { startRedis, startTempDb } from './services.ts';

/**
 * Starts the real services once per run: the embedded MongoDB-compatible
 * database and a private Redis. Set TEST_MONGODB_URI to run against a real
 * MongoDB instead, TEST_REDIS_URL for an already running Redis. Each test
 * server gets its own database name.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_MONGODB_URI;
  const db = external ? null : await startTempDb();
  const externalRedis = process.env.TEST_REDIS_URL;
  const redis = externalRedis ? null : await startRedis();
  project.provide('mongodbUri', external ?? db!.uri);
  project.provide('redisUrl', externalRedis ?? redis!.url);
  return async () => {
    await redis?.stop();
    await db?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
    redisUrl: string;
  }
}
