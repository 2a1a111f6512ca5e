import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import {
  CloseCode,
  COLLAB_OPT_IN_PARAM,
  COLLAB_PATH,
  CollabMessage,
  decodeTandemMessage,
  presenceOf,
  SaveTracker,
  touchedSections,
  type CollabAccess,
  type PresenceUser,
  type SaveStatus,
} from '@tandem/shared';
import { collabBaseUrl, countingWebSocket } from './socket.ts';
import { reconnected, track, untrack } from './unsaved.ts';
import { DeviceCopy } from './device-copy.ts';
import { deviceStash, type DeviceStash } from './stash.ts';

/** The origin of edits restored from the device: local changes like any other, sent and counted. */
const FROM_DEVICE = Symbol('from device');

export type CollabClose = { code: number; reason: string };

export type CollabDocOptions = {
  /** The document to bind; a new one by default. */
  doc?: Y.Doc;
  /** Longest wait between reconnection attempts (they back off exponentially up to it). */
  maxBackoffMs?: number;
  /** The server closed the socket because the session is gone (4401). */
  onSessionLost?: () => void;
  /**
   * The signed-in person: their unsaved edits are kept on this device
   * (sealed, lib/collab/stash.ts) and edits this device kept from an earlier
   * visit are sent. Without it, unsaved edits live in the tab only.
   */
  keepFor?: string;
};

/**
 * One Yjs document on `/collab/<docName>` with everything a view needs as
 * Svelte state: whether it is connected and synced, whether this device holds
 * changes the server has not stored ("Saving…", "All changes saved",
 * "Offline — changes kept on this device"), who else is here, and whether
 * the server keeps this person's edits at all.
 *
 * It uses an unmodified y-websocket provider with the browser's session
 * cookie, opted in to Tandem's save acknowledgements and access notice.
 * Changes the server has not stored are kept on the device until it has
 * (device-copy.ts); only when the device cannot keep them does closing the
 * tab ask first, and `confirmLeaving` (unsaved.ts) before the app moves on.
 */
export class CollabDoc {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  connected = $state(false);
  /** The server's state is in: only now may a view create missing structure. */
  synced = $state(false);
  /** Has synced at least once: views keep the document on screen (and editable) while reconnecting. */
  loaded = $state(false);
  /** What the server lets this connection do. */
  access = $state<CollabAccess | null>(null);
  /** Set when the server dropped edits from this read-only connection. */
  refused = $state<string | null>(null);
  /** A final close (no access, no such document, session ended); no more reconnecting. */
  closed = $state<CollabClose | null>(null);
  presence = $state<PresenceUser[]>([]);
  /**
   * Edits this device had kept from an earlier visit were sent again: when
   * the newest was made, and the document's top-level types they changed.
   */
  restored = $state<{ at: number; sections: string[] } | null>(null);
  #saveTick = $state(0);
  readonly #saves = new SaveTracker(() => {
    this.#saveTick++;
    this.#copy?.saved(this.#saves.savedThrough);
  });
  readonly #copy: DeviceCopy | null;
  readonly #onOnline = () => this.reconnect();
  /**
   * A socket whose network went away can look open for half a minute, until
   * the provider's silence timeout; the device knows sooner. Disconnecting
   * shows "Offline" at once, and nothing is retried until the device says it
   * is online again (`#onOnline`): a browser reports offline only when it has
   * no network at all.
   */
  readonly #onOffline = () => {
    if (!this.closed) this.provider.disconnect();
  };

  constructor(
    readonly name: string,
    opts: CollabDocOptions = {},
  ) {
    this.doc = opts.doc ?? new Y.Doc();
    const stash = opts.keepFor ? deviceStash(opts.keepFor) : null;
    this.#copy = stash && new DeviceCopy(name, this.doc.clientID, stash, () => this.#saveTick++);
    // Registered before the provider's own listener, so a change is counted before it is sent.
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this.provider) return;
      this.#saves.localChange();
      this.#copy?.change(this.#saves.version, update);
    });
    this.provider = new WebsocketProvider(collabBaseUrl(COLLAB_PATH), name, this.doc, {
      params: { [COLLAB_OPT_IN_PARAM]: '1' },
      WebSocketPolyfill: countingWebSocket(this.#saves),
      maxBackoffTime: opts.maxBackoffMs ?? 5_000,
    });
    const handlers = this.provider.messageHandlers;
    handlers[CollabMessage.SaveAck] = handlers[CollabMessage.Access] = (_e, decoder) => {
      const message = decodeTandemMessage(decoder.arr);
      decoder.pos = decoder.arr.length;
      if (message?.type === 'save-ack') this.#saves.ack(message.count);
      if (message?.type === 'access') {
        this.access = message.access;
        // Nothing this person changes here can be stored: the device keeps none of it.
        if (message.access === 'read') this.#copy?.discard();
      }
    };
    handlers[CollabMessage.Auth] = (_e, decoder) => {
      decoder.pos = decoder.arr.length;
      this.refused = 'Your changes to this part of the plan are not saved: you can read it only.';
      this.#copy?.discard();
    };
    // The provider lets go of a socket at once (offline, a silent server); the socket
    // itself may report its close only once the network lets the closing handshake end.
    this.provider.on('connection-close', () => {
      if (this.provider.ws) this.#saves.disconnected(this.provider.ws);
    });
    this.provider.on('status', ({ status }) => {
      this.connected = status === 'connected';
      if (this.connected) reconnected(this);
    });
    this.provider.on('sync', (synced: boolean) => {
      this.synced = synced;
      if (!synced || this.loaded) return;
      this.loaded = true;
      if (stash && this.access === 'write') void this.#restore(stash);
    });
    this.provider.on('closed', (close) => {
      this.closed = close;
      // A refused change would be refused again; a lost session keeps them for the next sign-in.
      if (close.code === CloseCode.Unauthenticated) opts.onSessionLost?.();
      else this.#copy?.discard();
    });
    const updatePresence = () =>
      (this.presence = presenceOf(
        this.awareness.getStates() as Map<number, Record<string, unknown>>,
        this.doc.clientID,
      ));
    this.awareness.on('change', updatePresence);
    updatePresence();
    addEventListener('online', this.#onOnline);
    addEventListener('offline', this.#onOffline);
    track(this);
  }

  get awareness(): Awareness {
    return this.provider.awareness;
  }

  /** 'offline' may still hold changes: see `pending`. */
  get saveState(): SaveStatus {
    void this.#saveTick;
    return this.#saves.status;
  }

  /** This device holds changes the server has not confirmed as stored. */
  get pending(): boolean {
    void this.#saveTick;
    return this.#saves.pending;
  }

  /** Every change the server has not stored is also kept on the device: closing the tab loses none. */
  get kept(): boolean {
    void this.#saveTick;
    return !this.#saves.pending || (this.#copy?.kept ?? false);
  }

  /**
   * Sends the edits this device kept from earlier visits (other tabs, closed
   * or still open) and makes them this tab's own: they join its record before
   * theirs are deleted, so at every moment the device holds them somewhere.
   */
  async #restore(stash: Promise<DeviceStash | null>): Promise<void> {
    const store = await stash;
    if (!store || !this.#copy) return;
    const others = (await store.kept(this.name)).filter((k) => k.tab !== this.doc.clientID);
    if (others.length === 0 || this.closed) return;
    const before = this.#saves.version;
    const sections: string[] = [];
    const collect = (tr: Y.Transaction) => {
      if (tr.origin === FROM_DEVICE) sections.push(...touchedSections(this.doc, tr));
    };
    this.doc.on('afterTransaction', collect);
    for (const kept of others) Y.applyUpdate(this.doc, kept.update, FROM_DEVICE);
    this.doc.off('afterTransaction', collect);
    // Edits that build on changes neither here nor stored cannot be applied yet: keep their records.
    if (this.doc.store.pendingStructs || this.doc.store.pendingDs) return;
    if (!(await this.#copy.flush())) return;
    for (const kept of others) await store.drop(this.name, kept.tab);
    if (this.#saves.version > before) {
      this.restored = {
        at: Math.max(...others.map((k) => k.savedAt)),
        sections: sections.filter((s, i) => sections.indexOf(s) === i).sort(),
      };
    }
  }

  /** Shares fields of this person's presence (a cursor, the section they are in). */
  setPresence(fields: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(fields))
      this.awareness.setLocalStateField(key, value);
  }

  /** Tries again now instead of waiting out the backoff (the network came back). */
  reconnect(): void {
    if (this.closed || this.connected) return;
    this.provider.disconnect();
    this.provider.connect();
  }

  destroy(): void {
    untrack(this);
    removeEventListener('online', this.#onOnline);
    removeEventListener('offline', this.#onOffline);
    this.provider.destroy();
    this.doc.destroy();
  }
}
