/**
 * Conference benchmark: a host navigates once a second while followers on
 * two instances (same database, same Redis, as in a scaled deployment)
 * follow. Measures, per navigation, the time from the host's emit until the
 * `conference:navigate` event has reached every follower (and each single
 * delivery), then prints p50/p99 and writes JSON to bench/results/.
 *
 *   npm run bench:conference -- [--followers 30] [--rounds 30] [--interval 1000] [--instances 2]
 *
 * Everything runs on this machine in one process (servers and clients share
 * the CPU), so the figures are an upper bound for the server's own work.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ConferenceView,
  CreatePatientResponse,
  LoginResponse,
  PlanListItem,
  ServerToClientEvents,
  TeamSummary,
} from '@tandem/shared';
import { createTandem, type Tandem } from '@tandem/server';
import { loadConfig } from '@tandem/server/env.ts';
import { createLogger } from '@tandem/server/log.ts';
import { startRedis, startTempDb } from '../helpers/services.ts';
import { Api, DEMO, loginWithFirstPassword } from '../helpers/api.ts';
import { percentile, r2, writeResult } from './stats.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const { values: args } = parseArgs({
  options: {
    followers: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '30' },
    interval: { type: 'string', default: '1000' },
    instances: { type: 'string', default: '2' },
  },
});
const FOLLOWERS = Number(args.followers);
const ROUNDS = Number(args.rounds);
const INTERVAL_MS = Number(args.interval);
const INSTANCES = Math.max(1, Math.min(2, Number(args.instances)));
const PASSWORD = 'tandem-demo';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function must<T>(p: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const res = await p;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function login(url: string, email: string, password = PASSWORD): Promise<Api> {
  const res = await new Api(url).post<LoginResponse>('/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
  return new Api(url, res.body.token);
}

function connect(url: string, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function emit<T>(socket: ClientSocket, event: keyof ClientToServerEvents, payload: unknown) {
  return new Promise<T>((resolve, reject) => {
    (socket.emit as (e: string, p: unknown, ack: (r: unknown) => void) => void)(
      event,
      payload,
      (r) => {
        const res = r as { ok: boolean; data?: T; error?: { code: string } };
        if (res.ok) resolve(res.data as T);
        else reject(new Error(`${event}: ${res.error?.code}`));
      },
    );
  });
}

async function main() {
  const started = performance.now();
  process.stdout.write('Starting the database, Redis and the instances…\n');
  const db = await startTempDb();
  const redis = await startRedis();
  const servers: { tandem: Tandem; url: string }[] = [];
  const sockets: ClientSocket[] = [];
  try {
    for (let i = 0; i < INSTANCES; i++) {
      const config = loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        MONGODB_URI: db.uri,
        REDIS_URL: redis.url,
        LOG_LEVEL: 'silent',
        SEED_DEMO: i === 0 ? 'true' : 'false',
        WEB_BUILD_DIR: '/nonexistent',
      });
      const tandem = await createTandem({
        config,
        dbName: 'bench_conference',
        log: createLogger(config),
      });
      servers.push({ tandem, url: await tandem.listen() });
    }
    const [a] = servers;
    const urlFor = (i: number) => servers[i % servers.length]!.url;

    // A North Team grown to the size of the conference, and three patients on its agenda.
    const coordinator = await login(a!.url, DEMO.coordinator);
    const team = (await must(coordinator.get<TeamSummary[]>('/teams'), 'teams')).find(
      (t) => t.name === 'North Team',
    )!;
    process.stdout.write(`Adding ${FOLLOWERS} followers…\n`);
    const followerTokens: { token: string; url: string }[] = [];
    for (let i = 0; i < FOLLOWERS; i++) {
      const email = `bench-follower-${i}@demo.test`;
      const added = await must(
        coordinator.post<{ initialPassword: string }>(`/teams/${team.id}/members`, {
          email,
          name: `Follower ${i + 1}`,
          role: i % 2 ? 'therapist' : 'prescriber',
        }),
        'add member',
      );
      const url = urlFor(i);
      const api = await loginWithFirstPassword(url, email, added.initialPassword);
      followerTokens.push({ token: api.token!, url });
    }
    for (const name of ['Bench Patient One', 'Bench Patient Two']) {
      await must(
        coordinator.post<CreatePatientResponse>(`/teams/${team.id}/patients`, {
          name,
          email: `${name.toLowerCase().replace(/ /g, '.')}@demo.test`,
        }),
        'add patient',
      );
    }
    const plans = (await must(coordinator.get<PlanListItem[]>('/plans'), 'plans')).filter(
      (p) => p.team.id === team.id,
    );
    const created = await must(
      coordinator.post<ConferenceView>('/conferences', {
        teamId: team.id,
        title: 'Benchmark conference',
        scheduledAt: new Date().toISOString(),
        cases: plans.map((p) => ({ planId: p.id, reason: 'Benchmark', timeBoxMinutes: 10 })),
      }),
      'create conference',
    );
    const conf = await must(
      coordinator.post<ConferenceView>(`/conferences/${created.id}/start`),
      'start',
    );

    // The host presents from instance A; followers alternate between the instances.
    const host = await connect(a!.url, coordinator.token!);
    sockets.push(host);
    await emit(host, 'conference:join', { conferenceId: conf.id });
    const arrivals = new Map<number, number[]>();
    const followers = await Promise.all(
      followerTokens.map(async ({ token, url }) => {
        const s = await connect(url, token);
        sockets.push(s);
        s.on('conference:navigate', (e) => {
          const list = arrivals.get(e.seq) ?? [];
          list.push(performance.now());
          arrivals.set(e.seq, list);
        });
        return s;
      }),
    );
    for (const s of followers) await emit(s, 'conference:join', { conferenceId: conf.id });
    process.stdout.write(
      `${FOLLOWERS} followers on ${INSTANCES} instance(s); the host navigates every ${INTERVAL_MS} ms, ${ROUNDS} times…\n`,
    );

    const sections = ['overview', 'goals', 'medications', 'therapy'] as const;
    const toAll: number[] = [];
    const each: number[] = [];
    const ackMs: number[] = [];
    let missing = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const next = performance.now() + INTERVAL_MS;
      const kase = conf.cases[round % conf.cases.length]!;
      const seqBefore = Math.max(0, ...arrivals.keys());
      const t0 = performance.now();
      await emit(host, 'conference:navigate', {
        conferenceId: conf.id,
        caseId: kase.id,
        section: sections[round % sections.length],
      });
      ackMs.push(performance.now() - t0);
      // The navigation's seq is the first new one every follower receives.
      const deadline = t0 + 10_000;
      let seq = 0;
      while (performance.now() < deadline) {
        seq = [...arrivals.keys()].filter((k) => k > seqBefore).sort((x, y) => x - y)[0] ?? 0;
        if (seq && (arrivals.get(seq)?.length ?? 0) >= FOLLOWERS) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      const times = seq ? (arrivals.get(seq) ?? []) : [];
      if (times.length < FOLLOWERS) missing += FOLLOWERS - times.length;
      if (times.length > 0) {
        toAll.push(Math.max(...times) - t0);
        for (const t of times) each.push(t - t0);
      }
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }

    toAll.sort((x, y) => x - y);
    each.sort((x, y) => x - y);
    ackMs.sort((x, y) => x - y);
    const result = {
      benchmark: 'conference-navigation',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, platform: process.platform },
      setup: {
        followers: FOLLOWERS,
        rounds: ROUNDS,
        intervalMs: INTERVAL_MS,
        instances: INSTANCES,
        database: 'embedded FerretDB (SQLite)',
        redis: true,
      },
      navigationToAllFollowersMs: {
        p50: r2(percentile(toAll, 50)),
        p99: r2(percentile(toAll, 99)),
        max: r2(toAll.at(-1) ?? NaN),
      },
      singleDeliveryMs: {
        p50: r2(percentile(each, 50)),
        p99: r2(percentile(each, 99)),
      },
      hostAckMs: { p50: r2(percentile(ackMs, 50)), p99: r2(percentile(ackMs, 99)) },
      missedDeliveries: missing,
      wallSeconds: r2((performance.now() - started) / 1000),
    };

    process.stdout.write(
      [
        '',
        `Conference: ${FOLLOWERS} followers, host navigating every ${INTERVAL_MS} ms, ${ROUNDS} navigations, ${INSTANCES} instance(s) + Redis`,
        `  navigation reaches ALL followers   p50 ${result.navigationToAllFollowersMs.p50} ms   p99 ${result.navigationToAllFollowersMs.p99} ms`,
        `  single follower delivery           p50 ${result.singleDeliveryMs.p50} ms   p99 ${result.singleDeliveryMs.p99} ms`,
        `  host's acknowledgement             p50 ${result.hostAckMs.p50} ms   p99 ${result.hostAckMs.p99} ms`,
        `  missed deliveries                  ${missing}`,
        '',
      ].join('\n'),
    );
    const file = writeResult('conference', result);
    process.stdout.write(`Written to ${path.relative(repoRoot, file)}\n`);
    if (missing > 0) process.exitCode = 1;
  } finally {
    for (const s of sockets) s.disconnect();
    for (const s of servers) await s.tandem.close().catch(() => {});
    await redis.stop();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
