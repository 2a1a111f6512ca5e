import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from './env.ts';
import { createLogger, type Logger } from './log.ts';
import { systemClock, type AppContext, type Clock } from './context.ts';
import { connectDb } from './db/connect.ts';
import { connectRedis } from './redis.ts';
import { VERSION } from './version.ts';
import { apiNotFound, errorHandler, requestId } from './http/middleware.ts';
import { apiHeaders, securityHeaders } from './http/security.ts';
import { sameOriginOnly } from './http/origin.ts';
import { createEvents } from './events.ts';
import { createAuditLog } from './audit/service.ts';
import { ensureIndexes } from './db/indexes.ts';
import { seedDemo } from './seed/demo.ts';
import { startSessionWatch } from './auth/session-watch.ts';
import { startAccessRelay } from './auth/access-relay.ts';
import { attachSocketIo, type TandemIo } from './realtime/socket.ts';
import { createRealtimeHub } from './realtime/hub.ts';
import { attachCollab, type CollabHandle } from './collab/index.ts';
import { planCollabPolicy } from './collab/policy.ts';
import { createPlanDocWriter } from './plans/writer.ts';
import { healthRoutes } from './health/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { planRoutes } from './plans/routes.ts';
import { teamRoutes } from './teams/routes.ts';
import { patientRoutes } from './patients/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { auditRefusal } from './audit/refusals.ts';
import { commentRoutes } from './comments/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { versionRoutes } from './versions/routes.ts';
import { fhirRoutes } from './fhir/routes.ts';
import { proposalRoutes } from './proposals/routes.ts';
import { checkInRoutes } from './checkins/routes.ts';
import { interactionRoutes } from './interactions/routes.ts';
import { conferenceEngine } from './conference/engine.ts';
import { conferenceRoutes } from './conference/routes.ts';
import { attachConferenceSocket } from './conference/socket.ts';
import { mountWeb } from './web.ts';

export type Tandem = {
  ctx: AppContext;
  /** The Express app (tests walk its routes to check every one has an authorization entry). */
  app: express.Express;
  http: HttpServer;
  io: TandemIo;
  /** The co-editing engine on /collab. */
  collab: CollabHandle;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /** Graceful stop: refuse new work, close sockets, flush, disconnect. */
  close(): Promise<void>;
};

export type CreateOptions = {
  config: Config;
  log?: Logger;
  clock?: Clock;
  /** Database name override (tests give each server its own database). */
  dbName?: string;
  /** How often sockets of expired sessions are looked for (tests shorten it). */
  sessionSweepMs?: number;
};

/** Builds one Tandem instance. Reading this function tells what the server is made of. */
export async function createTandem(opts: CreateOptions): Promise<Tandem> {
  const { config } = opts;
  if (!config.mongodbUri) throw new Error('createTandem needs config.mongodbUri');
  const log = opts.log ?? createLogger(config);
  const conn = await connectDb(config.mongodbUri, opts.dbName);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : null;
  const clock = opts.clock ?? systemClock;
  const ctx: AppContext = {
    config,
    log,
    conn,
    redis,
    clock,
    version: VERSION,
    events: createEvents(),
    audit: createAuditLog(conn, clock, log),
    realtime: createRealtimeHub(),
    planDocs: createPlanDocWriter(),
  };
  await ensureIndexes(conn);
  if (config.seedDemo) await seedDemo(ctx);
  const sessionWatch = await startSessionWatch(ctx, opts.sessionSweepMs);
  const accessRelay = await startAccessRelay(ctx);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.proxyTrust);
  app.use(requestId);
  app.use(securityHeaders(config.nodeEnv === 'development'));

  const conferences = conferenceEngine(ctx);
  const api = express.Router();
  api.use(apiHeaders);
  api.use(express.json({ limit: config.bodyLimit, strict: true }));
  api.use(sameOriginOnly(config, (req) => auditRefusal(ctx, req, 'foreign_origin')));
  api.use(healthRoutes(ctx));
  api.use(authRoutes(ctx));
  api.use(planRoutes(ctx));
  api.use(patientRoutes(ctx));
  api.use(teamRoutes(ctx));
  api.use(auditRoutes(ctx));
  api.use(commentRoutes(ctx));
  api.use(notificationRoutes(ctx));
  api.use(versionRoutes(ctx));
  api.use(fhirRoutes(ctx));
  api.use(proposalRoutes(ctx));
  api.use(checkInRoutes(ctx));
  api.use(interactionRoutes(ctx));
  api.use(conferenceRoutes(ctx, conferences));
  api.use(apiNotFound);
  app.use('/api/v1', api);
  app.use('/api', apiNotFound);
  app.use(errorHandler(log));

  const http = createServer(app);

  const io = attachSocketIo(ctx, http, sessionWatch);
  ctx.realtime.bind(io);
  attachConferenceSocket(ctx, io, conferences);
  const collab = await attachCollab(ctx, http, planCollabPolicy(ctx, sessionWatch));
  ctx.planDocs.bind(collab.change);
  // A member removed from a team, or given another role, keeps no stale editing access,
  // on this instance and (through the access relay) on every other.
  ctx.events.on('membership:changed', ({ userId }) => void collab.recheckUser(userId));
  ctx.events.on('access:recheck', (userId) => void collab.recheckUser(userId));

  // The web app comes last: everything not claimed above is a page.
  await mountWeb(app, config, log);

  const sockets = new Set<import('node:net').Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  let closing: Promise<void> | null = null;
  return {
    ctx,
    app,
    http,
    io,
    collab,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          const { port } = http.address() as AddressInfo;
          const host =
            config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          resolve(`http://${host}:${port}`);
        });
      }),
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((r) => http.close(() => r()));
        // Collab first: it closes its sockets and stores pending edits while the database is
        // still connected. Socket.IO's close waits for the HTTP server to drain, which an open
        // collab socket would hold up for as long as its client stays.
        await collab.close();
        http.closeIdleConnections();
        // Give in-flight requests a moment, then cut what is left.
        const force = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 5_000);
        await io.close().catch(() => {});
        await stopped;
        clearTimeout(force);
        await sessionWatch.close();
        await accessRelay.close();
        if (redis) await redis.close().catch(() => {});
        await conn.close();
      })()),
  };
}
