import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import type { Connection } from 'mongoose';
import {
  COLLAB_OPT_IN_PARAM,
  CollabMessage,
  decodeTandemMessage,
  isUpdateMessage,
  SaveTracker,
  type CollabAccess,
  type Role,
} from '@tandem/shared';
import {
  attachCollab,
  type CollabHandle,
  type CollabIdentity,
  type CollabOptions,
  type DocAccessLevel,
} from '@tandem/server/collab/index.ts';
import { mongoCollabStore } from '@tandem/server/collab/persistence/mongo-store.ts';
import { connectDb } from '@tandem/server/db/connect.ts';
import { connectRedis, type RedisClient } from '@tandem/server/redis.ts';
import { loadConfig } from '@tandem/server/env.ts';
import { createLogger } from '@tandem/server/log.ts';
import { systemClock } from '@tandem/server/context.ts';
import { registerTeardown, uniqueDbName } from '../../helpers/server.ts';

export type Engine = {
  wsUrl: string;
  handle: CollabHandle;
  conn: Connection;
  redis: RedisClient | null;
  http: Server;
  dbName: string;
  stop(): Promise<void>;
};

export type EngineOptions = {
  dbName?: string;
  redis?: boolean;
  /** Access per document; write everywhere by default. */
  access?: (identity: CollabIdentity, docName: string) => DocAccessLevel;
  options?: CollabOptions | ((conn: Connection) => CollabOptions);
};

/**
 * Engine options whose store reads a document from the database and then
 * holds it until `release()`: a slow load, for tests of what happens meanwhile.
 */
export function stalledLoads() {
  let started!: () => void;
  let release!: () => void;
  const loadStarted = new Promise<void>((r) => (started = r));
  const gate = new Promise<void>((r) => (release = r));
  const options = (conn: Connection): CollabOptions => {
    const store = mongoCollabStore(conn);
    return {
      store: {
        ...store,
        load: async (doc: string) => {
          const loaded = await store.load(doc);
          started();
          await gate;
          return loaded;
        },
      },
    };
  };
  return { options, loadStarted, release };
}

/**
 * The collab engine alone on a bare HTTP server, with a test policy: the
 * token is the user id (`?token=alice`, or `alice:patient` for a role) and
 * `access` decides per document. Real database, real Redis.
 */
export async function startEngine(opts: EngineOptions = {}): Promise<Engine> {
  const dbName = opts.dbName ?? uniqueDbName('collab');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: inject('mongodbUri'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  const log = createLogger(config);
  const conn = await connectDb(inject('mongodbUri'), dbName);
  const redis = opts.redis ? await connectRedis(inject('redisUrl'), log) : null;
  const http = createServer((_req, res) => res.writeHead(404).end());
  const access = opts.access ?? (() => 'write');
  const options = typeof opts.options === 'function' ? opts.options(conn) : opts.options;
  const handle = await attachCollab(
    { config, log, conn, redis, clock: systemClock },
    http,
    {
      async authenticate(req) {
        const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
        if (!token) return null;
        const [userId, role = 'prescriber'] = token.split(':');
        return {
          userId: userId!,
          name: `User ${userId}`,
          role: role as Role,
          sessionId: `s-${token}`,
        };
      },
      docAccess: async (identity, docName) => access(identity, docName),
    },
    options,
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  let stopped: Promise<void> | null = null;
  const engine: Engine = {
    wsUrl: `ws://127.0.0.1:${port}/collab`,
    handle,
    conn,
    redis,
    http,
    dbName,
    stop: () =>
      (stopped ??= (async () => {
        await handle.close();
        http.closeAllConnections();
        await new Promise<void>((r) => http.close(() => r()));
        await redis?.close().catch(() => {});
        await conn.close();
      })()),
  };
  registerTeardown(() => engine.stop());
  return engine;
}

// Each y-websocket provider in Node listens for the process's exit until it is destroyed;
// tests open dozens at once, which Node would otherwise report as a likely leak.
process.setMaxListeners(200);

export type Client = {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Save state (opted-in clients only). */
  saves: SaveTracker;
  access: CollabAccess | null;
  /** Permission-denied reasons received. */
  denied: string[];
  /** Close events the provider saw. */
  closes: { code: number; reason: string }[];
  synced: Promise<void>;
  destroy(): void;
};

/**
 * An unmodified y-websocket WebsocketProvider in Node (ws as its WebSocket).
 * With `tandem`, it opts in the way the web client does: a WebSocket subclass
 * that counts update-carrying messages, and handlers for the extra types.
 */
export function connectClient(
  wsUrl: string,
  docName: string,
  opts: { token?: string; tandem?: boolean; doc?: Y.Doc; params?: Record<string, string> } = {},
): Client {
  const doc = opts.doc ?? new Y.Doc();
  const saves = new SaveTracker();
  const params: Record<string, string> = { ...opts.params };
  if (opts.token) params.token = opts.token;
  let polyfill: unknown = WebSocket;
  if (opts.tandem) {
    params[COLLAB_OPT_IN_PARAM] = '1';
    polyfill = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('open', () => saves.connected(this));
        this.addEventListener('close', () => saves.disconnected(this));
      }
      override send(data: unknown, ...rest: unknown[]): void {
        if (data instanceof Uint8Array && isUpdateMessage(data)) saves.sent();
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    };
    // Registered before the provider's own listener, so a change is counted before it is sent.
    doc.on('update', (_u: Uint8Array, origin: unknown) => {
      if (origin !== provider) saves.localChange();
    });
  }
  const provider: WebsocketProvider = new WebsocketProvider(wsUrl, docName, doc, {
    WebSocketPolyfill: polyfill as never,
    params,
    disableBc: true,
    maxBackoffTime: 500,
  });
  const client: Client = {
    doc,
    provider,
    saves,
    access: null,
    denied: [],
    closes: [],
    synced: new Promise((resolve) => {
      if (provider.synced) resolve();
      provider.on('sync', (s: boolean) => s && resolve());
    }),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
  const handlers = provider.messageHandlers as unknown as ((
    e: encoding.Encoder,
    d: decoding.Decoder,
  ) => void)[];
  handlers[CollabMessage.Auth] = (_e, d) => {
    decoding.readVarUint(d);
    client.denied.push(decoding.readVarString(d));
  };
  if (opts.tandem) {
    handlers[CollabMessage.SaveAck] = handlers[CollabMessage.Access] = (_e, d) => {
      const m = decodeTandemMessage(d.arr);
      d.pos = d.arr.length;
      if (m?.type === 'save-ack') saves.ack(m.count);
      if (m?.type === 'access') client.access = m.access;
    };
  }
  provider.on('connection-close', (event) => {
    if (event) client.closes.push({ code: event.code, reason: event.reason });
  });
  registerTeardown(async () => client.destroy());
  return client;
}

/** A socket speaking the protocol byte by byte, for what a real client would never send. */
export type RawClient = {
  ws: WebSocket;
  received: Uint8Array[];
  /** The document as the server has shown it to this client. */
  doc: Y.Doc;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  send(bytes: Uint8Array): void;
  sendUpdate(update: Uint8Array): void;
  /** Sends sync step 1 for an empty document, so the server answers with everything. */
  requestState(): void;
  close(): void;
};

export function rawClient(
  wsUrl: string,
  docName: string,
  /** `autoPong: false` leaves the server's pings unanswered, as a peer that vanished would. */
  opts: { token?: string; tandem?: boolean; autoPong?: boolean } = {},
): RawClient {
  const q = new URLSearchParams();
  if (opts.token) q.set('token', opts.token);
  if (opts.tandem) q.set(COLLAB_OPT_IN_PARAM, '1');
  const ws = new WebSocket(`${wsUrl}/${docName}?${q}`, { autoPong: opts.autoPong ?? true });
  const doc = new Y.Doc();
  const received: Uint8Array[] = [];
  ws.on('message', (data: RawData) => {
    const bytes = new Uint8Array(data as Buffer);
    received.push(bytes);
    if (bytes[0] === CollabMessage.Sync) {
      const d = decoding.createDecoder(bytes);
      decoding.readVarUint(d);
      const e = encoding.createEncoder();
      syncProtocol.readSyncMessage(d, e, doc, 'server');
    }
  });
  ws.on('error', () => {});
  const client: RawClient = {
    ws,
    received,
    doc,
    opened: new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    closed: new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    ),
    send: (bytes) => ws.send(bytes),
    sendUpdate: (update) => ws.send(syncMessage((e) => syncProtocol.writeUpdate(e, update))),
    requestState: () => ws.send(syncMessage((e) => syncProtocol.writeSyncStep1(e, new Y.Doc()))),
    close: () => ws.close(),
  };
  registerTeardown(async () => ws.terminate());
  return client;
}

export function syncMessage(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, CollabMessage.Sync);
  write(e);
  return encoding.toUint8Array(e);
}

/** The document exactly as stored in the database. */
export async function storedDoc(conn: Connection, docName: string): Promise<Y.Doc> {
  const { updates } = await mongoCollabStore(conn).load(docName);
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc;
}

/** An update that sets `key` in the top-level map `map` (as a fresh client would). */
export function mapUpdate(map: string, key: string, value: unknown): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap(map).set(key, value);
  return Y.encodeStateAsUpdate(doc);
}

let n = 0;
/** A document name no other test uses. */
export function docName(prefix = 'doc'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${n++}`;
}
