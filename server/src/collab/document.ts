import * as Y from 'yjs';
import { CloseCode, encodeSaveAck, touchedSections } from '@tandem/shared';
import type { Logger } from '../log.ts';
import type { Clock } from '../context.ts';
import type { CollabStore, StoredUpdate } from './persistence/store.ts';
import type { GroupCommit } from './persistence/group-commit.ts';
import type { Compactor } from './persistence/compactor.ts';
import type { FanoutEntry, RedisFanout } from './redis-fanout.ts';
import type { UpdateOrigin } from './types.ts';
import type { CollabConnection } from './connection.ts';
import { DurableTracker } from './durability.ts';
import { RemotePending } from './remote-pending.ts';
import { DocPresence } from './presence.ts';
import { encodeUpdate } from './protocol.ts';

export type DocumentDeps = {
  log: Logger;
  clock: Clock;
  store: CollabStore;
  commit: GroupCommit;
  compactor: Compactor;
  fanout: RedisFanout | null;
  limits: {
    maxDocBytes: number;
    /** A document is compacted once it logged this many rows (or bytes) since the last time… */
    compactAfterRows: number;
    compactAfterBytes: number;
    /** …but not more often than this: a busy document would otherwise compact all the time. */
    compactEveryMs: number;
    /** Awareness client ids one connection may speak for. */
    maxClientIdsPerConnection: number;
  };
};

type Change = { update: Uint8Array; sections: string[] };

/** How long Yjs may hold changes with missing predecessors before the stored state is consulted. */
const REPAIR_AFTER_MS = 2_000;
const FANOUT_WAIT_MS = 1_000;
/**
 * Broadcasts to this many connections or more are held until the turn of the
 * event loop ends, so that a busy document's changes reach each peer in one
 * write per turn. Fewer peers cost few writes anyway and get theirs at once.
 */
const BATCH_FANOUT = 16;

export type DocState = 'loading' | 'ready' | 'failed' | 'closed';

/**
 * One loaded document: the Y.Doc, its presence, its connections and the
 * bookkeeping that tells each author when their changes are stored.
 *
 * Every change passes through `apply`, which hands Yjs the update and
 * collects what actually changed; the origin then decides what happens:
 * a connection's change is logged, broadcast and fanned out, a change from
 * another instance is broadcast and watched until someone stores it.
 */
export class CollabDocument {
  readonly doc = new Y.Doc({ gc: true });
  state: DocState = 'loading';
  readonly ready: Promise<void>;
  readonly tracker = new DurableTracker();
  readonly conns = new Set<CollabConnection>();
  readonly presence: DocPresence;

  private readonly remote = new RemotePending();
  private inbox: FanoutEntry[] = [];
  private collecting: Change[] | null = null;
  private approxBytes = 0;
  private sinceCompaction = { rows: 0, bytes: 0, at: 0 };
  /** Oldest issue time of an own change not yet stored, per lseq; for trimming. */
  private ownOpen = new Map<number, number>();
  private ownDurable = 0;
  private announcedDurable = 0;
  private acksScheduled = false;
  private storeChain: Promise<void> = Promise.resolve();
  private durableWaiters: { lseq: number; resolve: () => void }[] = [];
  private pendingSince: number | null = null;
  private repairing = false;
  private resolveReady!: () => void;
  private rejectReady!: (err: Error) => void;

  constructor(
    readonly name: string,
    private readonly deps: DocumentDeps,
    private readonly onFailed: (doc: CollabDocument) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Waiting connections observe the rejection; this keeps it from counting as unhandled.
    this.ready.catch(() => {});
    this.presence = new DocPresence(this.doc, {
      broadcast: (message, except) => this.broadcast(message, except),
      publish: (update) => {
        const fanout = this.deps.fanout;
        if (fanout && this.state === 'ready')
          void fanout.publish(this.name, {
            type: 'awareness',
            publisher: fanout.instanceId,
            update,
          });
      },
      maxClientIdsPerConnection: deps.limits.maxClientIdsPerConnection,
    });
    this.doc.on('update', (update: Uint8Array, _origin: unknown, doc: Y.Doc, tr: Y.Transaction) => {
      this.collecting?.push({ update, sections: touchedSections(doc, tr) });
    });
  }

  /**
   * Loads the stored state, after `after` (an unload of the same document
   * still writing). The Redis stream is opened first: whatever is written to
   * it while the database is read is held and applied afterwards.
   */
  async load(after: Promise<void> | undefined): Promise<void> {
    try {
      await after;
      const held = this.deps.fanout
        ? await this.deps.fanout.open(this.name, (e) => this.onRemote(e))
        : [];
      const stored = await this.deps.store.load(this.name);
      if (this.state !== 'loading') return;
      const origin: UpdateOrigin = { source: 'load' };
      this.doc.transact(() => {
        for (const u of stored.updates) Y.applyUpdate(this.doc, u, origin);
      }, origin);
      this.approxBytes = stored.bytes;
      this.state = 'ready';
      for (const e of [...held, ...this.inbox]) this.onRemote(e);
      this.inbox = [];
      this.resolveReady();
    } catch (err) {
      this.deps.log.error(
        { docName: this.name, err: err instanceof Error ? err.message : String(err) },
        'collab document failed to load',
      );
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Applies a writer's update: whether it changed the document (a client's
   * first sync sends an empty one), or 'closed' when the connection was
   * closed instead.
   */
  acceptFromConnection(
    conn: CollabConnection,
    update: Uint8Array,
  ): 'changed' | 'unchanged' | 'closed' {
    if (!this.fits(update.length)) {
      conn.close(CloseCode.MessageTooLarge, 'document too large');
      return 'closed';
    }
    const changes = this.apply(update, {
      source: 'connection',
      connId: conn.id,
      userId: conn.identity.userId,
    });
    if (!changes) return 'closed';
    for (const change of changes) this.recordOwn(change, conn.identity.userId, conn);
    if (changes.length > 0) return 'changed';
    // Yjs holds an update whose predecessors it lacks without reporting a change; it still has to
    // be stored before the client hears it is saved.
    if (!this.hasPending()) return 'unchanged';
    this.recordOwn({ update, sections: [] }, conn.identity.userId, conn);
    return 'changed';
  }

  /**
   * A change the server makes itself (an accepted medication proposal):
   * logged, broadcast and fanned out exactly like a writer's, attributed to
   * `userId`. Resolves once it is stored.
   */
  async changeFromServer(userId: string, edit: (doc: Y.Doc) => void): Promise<void> {
    if (this.state !== 'ready') throw new Error('document is not loaded');
    const origin: UpdateOrigin = { source: 'server', userId };
    const changes: Change[] = [];
    let last = 0;
    this.collecting = changes;
    try {
      this.doc.transact(() => edit(this.doc), origin);
    } finally {
      this.collecting = null;
      // Whatever the edit changed before it threw is in the document now, so it is stored too.
      for (const change of changes) last = this.recordOwn(change, userId, null);
    }
    await this.whenDurable(last);
  }

  addConnection(conn: CollabConnection): void {
    this.conns.add(conn);
  }

  removeConnection(conn: CollabConnection): void {
    if (!this.conns.delete(conn)) return;
    if (this.state === 'ready') this.presence.release(conn);
  }

  /** Sends save acks to connections whose messages the watermark has released; once per tick. */
  scheduleAcks(): void {
    if (this.acksScheduled) return;
    this.acksScheduled = true;
    queueMicrotask(() => {
      this.acksScheduled = false;
      const watermark = this.tracker.watermark;
      if (this.durableWaiters.length > 0) {
        const ready = this.durableWaiters.filter((w) => w.lseq <= watermark);
        this.durableWaiters = this.durableWaiters.filter((w) => w.lseq > watermark);
        for (const w of ready) w.resolve();
      }
      for (const conn of this.conns) {
        const count = conn.acks.advance(watermark);
        if (count !== null && conn.tandem) conn.send(encodeSaveAck(count));
      }
      this.announceDurable();
    });
  }

  /**
   * Periodic upkeep: store changes from other instances that were never
   * confirmed (their origin died), and trim the stream below anything this
   * instance still needs.
   */
  sweep(now: number, takeoverMs: number, trim: boolean, streamGraceMs: number): void {
    if (this.state !== 'ready') return;
    this.takeOver(now - takeoverMs);
    if (!this.hasPending()) this.pendingSince = null;
    else if (this.pendingSince === null) this.pendingSince = now;
    else if (now - this.pendingSince >= REPAIR_AFTER_MS && !this.repairing) void this.repair(now);
    if (trim && this.deps.fanout) {
      let oldest = now;
      for (const t of this.ownOpen.values()) oldest = Math.min(oldest, t);
      const remoteOldest = this.remote.oldest;
      if (remoteOldest !== null) oldest = Math.min(oldest, remoteOldest);
      this.deps.fanout.trim(this.name, oldest - streamGraceMs);
    }
  }

  /** Stops the document: hands unconfirmed remote changes to the log, then releases memory. */
  async unload(): Promise<void> {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    this.deps.fanout?.close(this.name);
    if (wasReady) {
      this.takeOver(Infinity);
      await this.deps.commit.flush();
      if (this.sinceCompaction.rows > 0) this.deps.compactor.request(this.name);
    }
    this.presence.destroy();
    this.doc.destroy();
  }

  get pendingRemote(): number {
    return this.remote.size;
  }

  /** Yjs holds changes whose predecessors it has not seen. */
  private hasPending(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  /**
   * Fills a gap in this document from the database. A gap appears when an
   * instance stored a change and died before it fanned it out: later changes
   * from other instances build on it and wait in Yjs' pending set forever.
   * Whatever the stored state completes is sent to this instance's clients.
   */
  private async repair(now: number): Promise<void> {
    this.repairing = true;
    try {
      const stored = await this.deps.store.load(this.name);
      if (this.state !== 'ready') return;
      let filled = 0;
      for (const u of stored.updates) {
        const changes = this.apply(u, { source: 'load' });
        if (!changes) return;
        for (const c of changes) this.broadcast(encodeUpdate(c.update), null);
        filled += changes.length;
      }
      this.deps.log.info({ docName: this.name, filled }, 'collab document gap filled from storage');
    } catch (err) {
      this.deps.log.warn(
        { docName: this.name, err: err instanceof Error ? err.message : String(err) },
        'collab gap repair failed',
      );
    } finally {
      this.repairing = false;
      this.pendingSince = now;
    }
  }

  // --- internals ---

  /**
   * Applies an update and returns what changed. Yjs integrates structs before
   * it reads the delete set and emits 'update' even when it throws, so a
   * failure leaves the in-memory document unlike the stored one: it is then
   * discarded (never stored) and its clients reconnect to a fresh load.
   */
  private apply(update: Uint8Array, origin: UpdateOrigin): Change[] | null {
    const changes: Change[] = [];
    this.collecting = changes;
    try {
      Y.applyUpdate(this.doc, update, origin);
    } catch (err) {
      this.deps.log.error(
        { docName: this.name, source: origin.source, err: err instanceof Error ? err.message : '' },
        'collab update failed to apply; reloading the document',
      );
      this.fail(new Error('update failed to apply'));
      return null;
    } finally {
      this.collecting = null;
    }
    return changes;
  }

  /**
   * Takes a change of this instance's (a client's or the server's) into the
   * log. Peers on this instance get it at once; other instances get it
   * through Redis before it is written, so that whatever is in the log was
   * also in the stream: an instance that dies between the two leaves its
   * peers a change to take over, never one they cannot know about.
   */
  private recordOwn(change: Change, userId: string, from: CollabConnection | null): number {
    const now = this.deps.clock.now();
    const lseq = this.tracker.issue();
    this.ownOpen.set(lseq, now);
    this.approxBytes += change.update.length;
    const row: StoredUpdate = {
      docName: this.name,
      update: change.update,
      userId,
      sections: change.sections,
      at: new Date(now),
    };
    const store = () =>
      this.deps.commit.add(row, () => {
        this.ownOpen.delete(lseq);
        this.ownDurable = lseq;
        this.stored(lseq, change.update.length);
      });
    this.broadcast(encodeUpdate(change.update), from);
    const fanout = this.deps.fanout;
    if (!fanout) {
      store();
      return lseq;
    }
    const published = fanout.publish(this.name, {
      type: 'update',
      publisher: fanout.instanceId,
      lseq,
      userId,
      at: now,
      sections: change.sections,
      update: change.update,
    });
    // A Redis outage delays saving by at most this much; rows keep their order.
    const orRedisTimeout = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FANOUT_WAIT_MS).unref();
      void published.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.storeChain = this.storeChain.then(() => orRedisTimeout).then(store);
    return lseq;
  }

  /** Resolves once every change up to `lseq` is stored. */
  whenDurable(lseq: number): Promise<void> {
    if (this.tracker.watermark >= lseq) return Promise.resolve();
    return new Promise((resolve) => this.durableWaiters.push({ lseq, resolve }));
  }

  private stored(lseq: number, bytes: number): void {
    this.tracker.done(lseq);
    this.sinceCompaction.rows++;
    this.sinceCompaction.bytes += bytes;
    const { compactAfterRows, compactAfterBytes, compactEveryMs } = this.deps.limits;
    const now = this.deps.clock.now();
    if (
      (this.sinceCompaction.rows >= compactAfterRows ||
        this.sinceCompaction.bytes >= compactAfterBytes) &&
      now - this.sinceCompaction.at >= compactEveryMs
    ) {
      this.sinceCompaction = { rows: 0, bytes: 0, at: now };
      this.deps.compactor.request(this.name);
    }
    this.scheduleAcks();
  }

  private onRemote(entry: FanoutEntry): void {
    if (this.state === 'loading') {
      this.inbox.push(entry);
      return;
    }
    if (this.state !== 'ready') return;
    const fanout = this.deps.fanout!;
    switch (entry.type) {
      case 'update': {
        const changes = this.apply(entry.update, {
          source: 'redis',
          instanceId: entry.publisher,
          lseq: entry.lseq,
          userId: entry.userId,
          at: entry.at,
        });
        if (!changes) return;
        // A change that is only waiting for a predecessor is watched like any other, in case its
        // origin dies before storing it.
        if (changes.length === 0 && !this.hasPending()) return;
        const ourLseq = this.tracker.issue();
        this.approxBytes += entry.update.length;
        this.remote.add(entry.publisher, {
          theirLseq: entry.lseq,
          ourLseq,
          receivedAt: this.deps.clock.now(),
          row: {
            docName: this.name,
            update: entry.update,
            userId: entry.userId,
            sections: entry.sections,
            at: new Date(entry.at),
          },
        });
        for (const c of changes) this.broadcast(encodeUpdate(c.update), null);
        return;
      }
      case 'durable':
        for (const lseq of this.remote.confirm(entry.instanceId, entry.upTo))
          this.tracker.done(lseq);
        this.scheduleAcks();
        return;
      case 'awareness':
        this.presence.applyRemote(entry.update);
        return;
      case 'query-awareness': {
        const update = this.presence.localStates();
        if (update)
          void fanout.publish(this.name, {
            type: 'awareness',
            publisher: fanout.instanceId,
            update,
          });
        return;
      }
    }
  }

  /** Stores unconfirmed changes from other instances received before `before`. */
  private takeOver(before: number): void {
    const fanout = this.deps.fanout;
    for (const { instanceId, changes } of this.remote.takeExpired(before)) {
      const last = changes[changes.length - 1]!;
      for (const c of changes) {
        this.deps.commit.add(c.row, () => {
          this.stored(c.ourLseq, c.row.update.length);
          // Tell the other instances, so they do not store the same rows again.
          if (c === last && fanout && this.state === 'ready')
            fanout.publish(this.name, {
              type: 'durable',
              publisher: fanout.instanceId,
              instanceId,
              upTo: c.theirLseq,
            });
        });
      }
      this.deps.log.info(
        { docName: this.name, instanceId, rows: changes.length },
        'stored changes another instance did not confirm',
      );
    }
  }

  /** Lets other instances stop watching this instance's changes once they are stored. */
  private announceDurable(): void {
    const fanout = this.deps.fanout;
    if (!fanout || this.ownDurable <= this.announcedDurable || this.state !== 'ready') return;
    this.announcedDurable = this.ownDurable;
    fanout.publish(this.name, {
      type: 'durable',
      publisher: fanout.instanceId,
      instanceId: fanout.instanceId,
      upTo: this.ownDurable,
    });
  }

  /**
   * Whether an update of `bytes` keeps the document under its size limit.
   * The running estimate only grows; near the limit it is replaced by the
   * exact encoded size before anything is refused.
   */
  private fits(bytes: number): boolean {
    const max = this.deps.limits.maxDocBytes;
    if (this.approxBytes + bytes <= max) return true;
    this.approxBytes = Y.encodeStateAsUpdate(this.doc).length;
    return this.approxBytes + bytes <= max;
  }

  private broadcast(message: Uint8Array, except: CollabConnection | null): void {
    const batch = this.conns.size >= BATCH_FANOUT;
    for (const conn of this.conns) if (conn !== except && conn.isOpen) conn.send(message, batch);
  }

  private fail(err: Error): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'failed';
    this.deps.fanout?.close(this.name);
    // Nothing of this document's memory is stored from here on, but what other
    // instances sent is not in the log yet either: store it before letting go.
    if (wasReady) this.takeOver(Infinity);
    this.rejectReady(err);
    for (const conn of [...this.conns]) conn.close(CloseCode.LoadFailed, 'document unavailable');
    this.presence.destroy();
    this.onFailed(this);
  }
}
