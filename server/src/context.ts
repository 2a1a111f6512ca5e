import type { Connection } from 'mongoose';
import type { Config } from './env.ts';
import type { Logger } from './log.ts';
import type { RedisClient } from './redis.ts';
import type { AppEvents } from './events.ts';
import type { AuditLog } from './audit/service.ts';
import type { RealtimeHub } from './realtime/hub.ts';
import type { PlanDocWriter } from './plans/writer.ts';

/** A clock the tests can move (session expiry, rate-limit windows). */
export type Clock = { now(): number };
export const systemClock: Clock = { now: () => Date.now() };

/** What every domain receives: one instance's configuration and connections. No module-level singletons. */
export type AppContext = {
  config: Config;
  log: Logger;
  conn: Connection;
  redis: RedisClient | null;
  clock: Clock;
  version: string;
  events: AppEvents;
  audit: AuditLog;
  /** Pushes live events to plan rooms and users (Socket.IO, across instances with Redis). */
  realtime: RealtimeHub;
  /** Server-side edits of plan documents through the co-editing engine. */
  planDocs: PlanDocWriter;
};
