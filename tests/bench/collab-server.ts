/**
 * The server under test of `npm run bench:collab`, alone in its process so
 * that its CPU and memory are its own: `tandem` (our engine with the MongoDB
 * store, and Redis when REDIS_URL is set) or `reference` (@y/websocket-server
 * 0.1.1, in memory). Talks to the bench over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { attachCollab, type CollabHandle } from '@tandem/server/collab/index.ts';
import { connectDb } from '@tandem/server/db/connect.ts';
import { connectRedis } from '@tandem/server/redis.ts';
import { loadConfig } from '@tandem/server/env.ts';
import { createLogger } from '@tandem/server/log.ts';
import { systemClock } from '@tandem/server/context.ts';

type Request = { type: 'mark' } | { type: 'stats' } | { type: 'flush' } | { type: 'stop' };

const mode = process.argv[2];
const http = createServer((_req, res) => res.writeHead(404).end());
let collab: CollabHandle | null = null;

if (mode === 'reference') {
  const { setupWSConnection } = await import('@y/websocket-server/utils');
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const docName = (req.url ?? '').slice('/collab/'.length).split('?')[0]!;
    wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { docName }));
  });
} else {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const log = createLogger(config);
  const conn = await connectDb(config.mongodbUri!, process.env.BENCH_DB_NAME);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : null;
  collab = await attachCollab(
    { config, log, conn, redis, clock: systemClock },
    http,
    {
      // Every client may write: the bench measures the engine, not sign-in.
      authenticate: async (req) => {
        const id = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? 'anon';
        return { userId: id, name: id, role: 'prescriber', sessionId: id };
      },
      docAccess: async () => 'write',
    },
    process.env.BENCH_COMMIT_GAP_MS ? { commitGapMs: Number(process.env.BENCH_COMMIT_GAP_MS) } : {},
  );
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let peakRss = 0;
let cpuAtMark = process.cpuUsage();
let timeAtMark = performance.now();
let eluAtMark = performance.eventLoopUtilization();
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100).unref();

process.on('message', async (msg: Request) => {
  switch (msg.type) {
    case 'mark':
      peakRss = process.memoryUsage().rss;
      loopDelay.reset();
      cpuAtMark = process.cpuUsage();
      timeAtMark = performance.now();
      eluAtMark = performance.eventLoopUtilization();
      return process.send!({ type: 'marked' });
    case 'stats': {
      const cpu = process.cpuUsage(cpuAtMark);
      const wallMs = performance.now() - timeAtMark;
      return process.send!({
        type: 'stats',
        cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
        peakRssMb: peakRss / 1024 / 1024,
        /** Share of the time the event loop was busy: what a message arriving at random waits behind. */
        eventLoopUtilization: performance.eventLoopUtilization(eluAtMark).utilization,
        eventLoopDelayMs: {
          p50: loopDelay.percentile(50) / 1e6,
          p99: loopDelay.percentile(99) / 1e6,
          max: loopDelay.max / 1e6,
        },
        collab: collab?.stats() ?? null,
      });
    }
    case 'flush':
      await collab?.flush();
      return process.send!({ type: 'flushed' });
    case 'stop':
      await collab?.close();
      process.exit(0);
  }
});

http.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (http.address() as AddressInfo).port });
});
