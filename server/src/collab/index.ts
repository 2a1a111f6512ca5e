import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type * as Y from 'yjs';
import { CloseCode } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AppEvents } from '../events.ts';
import type { CollabPolicy } from './types.ts';
import type { CollabStore } from './persistence/store.ts';
import type { ThrottleOptions } from './awareness-policy.ts';
import { mongoCollabStore } from './persistence/mongo-store.ts';
import { GroupCommit } from './persistence/group-commit.ts';
import { Compactor } from './persistence/compactor.ts';
import { RedisFanout } from './redis-fanout.ts';
import { DocRegistry } from './registry.ts';
import { CollabConnection } from './connection.ts';
import { CollabSocket } from './socket.ts';
import { parseCollabTarget, type CollabTarget } from './target.ts';

export type { CollabPolicy, CollabIdentity, DocAccessLevel } from './types.ts';

export type CollabOptions = {
  /** Storage; the MongoDB store on `ctx.conn` by default. */
  store?: CollabStore;
  /** Largest client message; defaults to config.collabMaxMessageBytes. */
  maxMessageBytes?: number;
  /** Largest document (encoded); updates beyond it are refused with 4413. */
  maxDocBytes?: number;
  /** How long a document with no connections stays loaded. */
  idleUnloadMs?: number;
  /** How long a change from another instance may stay unconfirmed before this one stores it. */
  takeoverMs?: number;
  /** Redis stream entries are kept this long after they are stored, for loaders reading behind. */
  streamGraceMs?: number;
  /** How often each loaded document's stream is trimmed. */
  trimEveryMs?: number;
  /**
   * Least time between the starts of two update-log writes (see GroupCommit):
   * a save acknowledgement waits up to this much longer, and the database
   * sees at most 1000 / commitGapMs writes a second from this instance.
   */
  commitGapMs?: number;
  /** Compaction after this many logged rows or bytes, at most every `compactEveryMs`. */
  compactAfterRows?: number;
  compactAfterBytes?: number;
  compactEveryMs?: number;
  awarenessThrottle?: ThrottleOptions;
  /** How long authentication plus loading may take before the client is told to retry. */
  admitTimeoutMs?: number;
  /** Each connection is pinged this often; one that has not answered the last ping by then is dropped. */
  keepaliveMs?: number;
};

/** What the engine needs of the application: no auth, no audit, no Socket.IO. */
export type CollabContext = Pick<AppContext, 'config' | 'log' | 'conn' | 'redis' | 'clock'> & {
  /** Where logouts are announced; collab sockets of an ended session close with 4401. */
  events?: AppEvents;
};

export type CollabStats = {
  documents: number;
  connections: number;
  pendingRows: number;
  rowsWritten: number;
  bytesWritten: number;
  batches: number;
  slowestWriteMs: number;
  compactions: number;
};

export type CollabHandle = {
  /** Closes every collab socket of a session with 4401 (logout, expiry); returns how many. */
  closeSession(sessionId: string): number;
  /**
   * Re-checks the access of a user's open connections (their care-team
   * membership changed): lost access closes with 4403, a changed level closes
   * with 4503 so the client reconnects and is admitted at the new level.
   */
  recheckUser(userId: string): Promise<void>;
  /** Applies a server-side edit to a document (loading it if needed); resolves once stored. */
  change(docName: string, userId: string, edit: (doc: Y.Doc) => void): Promise<void>;
  /** Resolves once every accepted change so far is stored (tests, shutdown). */
  flush(): Promise<void>;
  stats(): CollabStats;
  /** Refuses new connections, closes open ones with 4503, stores what is pending, stops. */
  close(): Promise<void>;
};

// A log row holds one message; the database refuses records over 16 MB.
const MAX_ROW_BYTES = 8 * 1024 * 1024;
const SHUTDOWN_FLUSH_MS = 10_000;
const KEEPALIVE_MS = 30_000;
/** The keepalive visits one slice of the connections at a time. */
const KEEPALIVE_SLICES = 30;
const SWEEP_MS = 1_000;
/** Longer than any authentication takes (the admission timeout). */
const ENDED_SESSION_MEMORY_MS = 60_000;

/**
 * Serves the y-websocket protocol on `/collab/<docName>` of the shared HTTP
 * server. Authentication and access come from `policy`; other upgrade paths
 * (Socket.IO) are left alone.
 */
export async function attachCollab(
  ctx: CollabContext,
  http: HttpServer,
  policy: CollabPolicy,
  options: CollabOptions = {},
): Promise<CollabHandle> {
  const log = ctx.log.child({ module: 'collab' });
  let maxMessageBytes = options.maxMessageBytes ?? ctx.config.collabMaxMessageBytes;
  if (maxMessageBytes > MAX_ROW_BYTES) {
    log.warn({ maxMessageBytes, used: MAX_ROW_BYTES }, 'collab message limit capped');
    maxMessageBytes = MAX_ROW_BYTES;
  }
  const store = options.store ?? mongoCollabStore(ctx.conn);
  await store.init();

  const instanceId = randomBytes(8).toString('hex');
  const commit = new GroupCommit(store, log, { minGapMs: options.commitGapMs ?? 10 });
  const compactor = new Compactor(store, log);
  let fanout: RedisFanout | null = null;
  if (ctx.redis) {
    fanout = new RedisFanout(ctx.redis, `tandem:${ctx.conn.name}:collab:`, instanceId, log);
    await fanout.start();
  }
  const takeoverMs = options.takeoverMs ?? 3_000;
  const streamGraceMs = options.streamGraceMs ?? 60_000;
  const trimEverySweeps = Math.max(1, Math.round((options.trimEveryMs ?? 10_000) / SWEEP_MS));
  const registry = new DocRegistry(
    {
      log,
      clock: ctx.clock,
      store,
      commit,
      compactor,
      fanout,
      limits: {
        maxDocBytes: options.maxDocBytes ?? 32 * 1024 * 1024,
        compactAfterRows: options.compactAfterRows ?? 500,
        compactAfterBytes: options.compactAfterBytes ?? 1024 * 1024,
        compactEveryMs: options.compactEveryMs ?? 30_000,
        maxClientIdsPerConnection: 8,
      },
    },
    options.idleUnloadMs ?? 5_000,
    log,
  );

  const connections = new Set<CollabConnection>();
  const limits = {
    maxEarlyBytes: 4 * maxMessageBytes,
    maxBufferedBytes: 16 * 1024 * 1024,
    awareness: options.awarenessThrottle ?? { burst: 30, perSecond: 15 },
  };
  const admitTimeoutMs = options.admitTimeoutMs ?? 30_000;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes,
    perMessageDeflate: false,
    WebSocket: CollabSocket,
  });
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = parseCollabTarget(req.url);
    if (!target) return;
    // Upgrade first and decide after: only an open socket can carry the close
    // code that tells a y-websocket client not to retry (4401/4403/4404).
    wss.handleUpgrade(req, socket, head, (ws) => {
      void admit(ws as CollabSocket, socket, req, target);
    });
  };
  http.on('upgrade', onUpgrade);

  async function admit(
    ws: CollabSocket,
    socket: Duplex,
    req: IncomingMessage,
    target: CollabTarget,
  ) {
    let release: (() => void) | undefined;
    const conn = new CollabConnection(ws, socket, target.tandem, limits, log, policy, (c) => {
      connections.delete(c);
      if (c.doc) registry.released(c.doc);
      release?.();
    });
    connections.add(conn);
    if (closing) return conn.close(CloseCode.ShuttingDown, 'server shutting down');
    const timer = setTimeout(() => {
      if (!conn.isOpen) conn.close(CloseCode.ShuttingDown, 'try again');
    }, admitTimeoutMs);
    timer.unref();
    conn.ws.once('close', () => clearTimeout(timer));
    try {
      const identity = await policy.authenticate(req);
      if (conn.isClosed) return;
      if (!identity) return conn.close(CloseCode.Unauthenticated, 'unauthenticated');
      // A session ended while it was being read is as good as unknown.
      if (endedSessions.has(identity.sessionId))
        return conn.close(CloseCode.Unauthenticated, 'session ended');
      // From here a logout or a change of access finds the connection (closeSession, recheckUser).
      conn.identity = identity;
      if (!target.docName) return conn.close(CloseCode.NotFound, 'no such document');
      const access = await policy.docAccess(identity, target.docName);
      if (conn.isClosed) return;
      if (access === 'none') return conn.close(CloseCode.Forbidden, 'forbidden');
      if (access === 'unknown') return conn.close(CloseCode.NotFound, 'no such document');
      if (closing) return conn.close(CloseCode.ShuttingDown, 'server shutting down');
      release = policy.admitted?.(identity, target.docName);
      conn.admit(identity, access, registry.acquire(target.docName));
      void conn.doc!.ready.then(
        () => clearTimeout(timer),
        () => {},
      );
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'collab admit failed');
      conn.close(CloseCode.LoadFailed, 'try again');
    }
  }

  // Dead peers (a laptop lid closed) are noticed by missing pongs. Each tick
  // visits one slice of the connections, by id, so that an instance with
  // thousands of sockets does not stop relaying edits to ping them all at once.
  let tick = 0;
  const keepalive = setInterval(
    () => {
      const slice = tick++ % KEEPALIVE_SLICES;
      for (const conn of connections) {
        if (conn.id % KEEPALIVE_SLICES !== slice) continue;
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        if (conn.ws.readyState === conn.ws.OPEN) conn.ws.ping();
      }
    },
    (options.keepaliveMs ?? KEEPALIVE_MS) / KEEPALIVE_SLICES,
  );
  keepalive.unref();

  let sweeps = 0;
  const sweeper = setInterval(() => {
    const now = ctx.clock.now();
    const trim = ++sweeps % trimEverySweeps === 0;
    for (const doc of registry.all()) doc.sweep(now, takeoverMs, trim, streamGraceMs);
  }, SWEEP_MS);
  sweeper.unref();

  // Sessions ended lately, for connections whose authentication read them just before.
  const endedSessions = new Map<string, number>();
  const onSessionEnded = (sessionId: string) => {
    const now = ctx.clock.now();
    for (const [id, at] of endedSessions)
      if (now - at > ENDED_SESSION_MEMORY_MS) endedSessions.delete(id);
    endedSessions.set(sessionId, now);
    handle.closeSession(sessionId);
  };
  ctx.events?.on('session:ended', onSessionEnded);

  let closed: Promise<void> | null = null;
  const handle: CollabHandle = {
    closeSession(sessionId) {
      let n = 0;
      for (const conn of connections) {
        if (conn.authenticated && conn.identity.sessionId === sessionId) {
          conn.close(CloseCode.Unauthenticated, 'session ended');
          n++;
        }
      }
      return n;
    },
    async recheckUser(userId) {
      const mine = [...connections].filter((c) => c.authenticated && c.identity.userId === userId);
      await Promise.all(
        mine.map(async (conn) => {
          // Still being admitted: its access may have been read before the change. It tries again.
          if (!conn.doc) return conn.close(CloseCode.ShuttingDown, 'access changed');
          const level = await policy.docAccess(conn.identity, conn.doc!.name).catch(() => 'none');
          if (level === 'none' || level === 'unknown')
            conn.close(CloseCode.Forbidden, 'access revoked');
          else if (level !== conn.access) conn.close(CloseCode.ShuttingDown, 'access changed');
        }),
      );
    },
    async change(docName, userId, edit) {
      if (closing) throw new Error('collab engine is shutting down');
      const doc = registry.acquire(docName);
      try {
        await doc.ready;
        await doc.changeFromServer(userId, edit);
      } finally {
        registry.released(doc);
      }
    },
    flush: () => commit.flush(),
    stats: () => ({
      documents: registry.all().length,
      connections: connections.size,
      pendingRows: commit.pending,
      rowsWritten: commit.stats.rows,
      bytesWritten: commit.stats.bytes,
      batches: commit.stats.batches,
      slowestWriteMs: commit.stats.slowestWriteMs,
      compactions: compactor.stats.runs,
    }),
    close: () =>
      (closed ??= (async () => {
        closing = true;
        http.off('upgrade', onUpgrade);
        ctx.events?.off('session:ended', onSessionEnded);
        clearInterval(keepalive);
        clearInterval(sweeper);
        for (const conn of [...connections])
          conn.close(CloseCode.ShuttingDown, 'server shutting down');
        // Rows that cannot be written in time stay unacknowledged: their authors
        // still hold them and send them again to whichever instance they reach next.
        const flushed = await Promise.race([
          registry
            .closeAll()
            .then(() => commit.flush())
            .then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), SHUTDOWN_FLUSH_MS).unref()),
        ]);
        if (!flushed) {
          log.error({ rows: commit.pending }, 'collab shutdown left unstored rows');
          commit.stop();
        }
        await compactor.close();
        await fanout?.stop();
        wss.close();
      })()),
  };
  return handle;
}
