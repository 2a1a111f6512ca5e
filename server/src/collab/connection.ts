import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';
import { CloseCode, encodeAccess, READ_ONLY_REASON, type CollabAccess } from '@tandem/shared';
import type { Logger } from '../log.ts';
import type { CollabSocket } from './socket.ts';
import type { CollabIdentity, CollabPolicy } from './types.ts';
import type { CollabDocument } from './document.ts';
import { AckQueue } from './durability.ts';
import { holdUntilTurnEnds } from './outbox.ts';
import { AwarenessThrottle, type ThrottleOptions } from './awareness-policy.ts';
import {
  checkOverlaps,
  decodeClientMessage,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  changesNothing,
  ProtocolError,
  type ClientMessage,
} from './protocol.ts';

export type ConnectionLimits = {
  /** Bytes a client may send before its document is ready; more closes with 1013 (try again). */
  maxEarlyBytes: number;
  /** Unsent bytes queued for a slow client before it is dropped. */
  maxBufferedBytes: number;
  awareness: ThrottleOptions;
};

let nextId = 1;

/**
 * One client socket on one document. Messages that arrive while the socket
 * is being authenticated or its document is loading are held and handled in
 * order once the document is ready, so nothing is answered from a document
 * that is not fully loaded.
 */
export class CollabConnection {
  readonly id = nextId++;
  readonly acks = new AckQueue();
  /** Set once authenticated, before the document is admitted (see `authenticated`). */
  identity!: CollabIdentity;
  access: CollabAccess = 'read';
  doc: CollabDocument | null = null;
  alive = true;
  private state: 'pending' | 'open' | 'closed' = 'pending';
  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  private toldReadOnly = false;
  private throttle: AwarenessThrottle | null = null;

  constructor(
    readonly ws: CollabSocket,
    /** The socket under `ws`: corked while a turn's messages to this client pile up. */
    private readonly wire: Duplex,
    /** Opted in to save acks and access notices. */
    readonly tandem: boolean,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    private readonly policy: Pick<CollabPolicy, 'wrote' | 'refused'>,
    private readonly onClosed: (conn: CollabConnection) => void,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', () => {});
    ws.once('close', () => this.closed());
  }

  get authenticated(): boolean {
    return this.identity !== undefined;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Binds the authenticated identity and document; the connection opens when the document is ready. */
  admit(identity: CollabIdentity, access: CollabAccess, doc: CollabDocument): void {
    this.identity = identity;
    this.access = access;
    this.doc = doc;
    this.throttle = new AwarenessThrottle(this.limits.awareness, (entries) => {
      if (this.isOpen) this.doc?.presence.accept(this, entries);
    });
    doc.addConnection(this);
    doc.ready.then(
      () => this.open(),
      () => this.close(CloseCode.LoadFailed, 'document unavailable'),
    );
  }

  /** `batch`: hold the message until the turn of the event loop ends (outbox.ts). */
  send(message: Uint8Array, batch = false): void {
    if (this.state === 'closed' || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(1013, 'client too slow');
      return;
    }
    if (batch) holdUntilTurnEnds(this.wire);
    this.ws.send(message);
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.ws.close(code, reason);
    this.closed();
  }

  private open(): void {
    if (this.state !== 'pending' || !this.doc) return;
    this.state = 'open';
    const doc = this.doc;
    if (this.tandem) this.send(encodeAccess(this.access));
    this.send(encodeSyncStep1(doc.doc));
    const presence = doc.presence.snapshot();
    if (presence) this.send(presence);
    const early = this.early;
    this.early = [];
    for (const m of early) {
      if (this.state !== 'open') return;
      this.handle(m);
    }
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    if (!isBinary) return this.close(CloseCode.Malformed, 'binary messages only');
    const bytes = toUint8Array(data);
    if (this.state === 'pending') {
      this.earlyBytes += bytes.length;
      if (this.earlyBytes > this.limits.maxEarlyBytes)
        return this.close(1013, 'document is still loading');
      this.early.push(bytes);
      return;
    }
    this.handle(bytes);
  }

  /** Whatever a client sends, only its own connection can suffer for it. */
  private handle(bytes: Uint8Array): void {
    try {
      this.dispatch(decodeClientMessage(bytes));
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.log.info(
          { docName: this.doc?.name, userId: this.identity.userId, reason: err.message },
          'collab message rejected',
        );
        return this.close(CloseCode.Malformed, 'malformed message');
      }
      this.log.error(
        { docName: this.doc?.name, err: err instanceof Error ? err.message : String(err) },
        'collab message handling failed',
      );
      this.close(1011, 'internal error');
    }
  }

  private dispatch(message: ClientMessage): void {
    const doc = this.doc!;
    switch (message.type) {
      case 'sync-step1':
        this.send(encodeSyncStep2(doc.doc, message.stateVector));
        return;
      case 'sync-step2':
      case 'update':
        if (this.access === 'write') {
          checkOverlaps(doc.doc, message.items);
          const outcome = doc.acceptFromConnection(this, message.update);
          if (outcome === 'closed') return;
          if (outcome === 'changed') this.policy.wrote?.(this.identity, doc.name);
        } else if (!changesNothing(doc.doc, message.update, message.items)) {
          this.refuseWrite();
        }
        this.acks.receive(doc.tracker.latest);
        doc.scheduleAcks();
        return;
      case 'awareness':
        this.throttle!.offer(message.entries);
        return;
      case 'query-awareness': {
        const presence = doc.presence.snapshot();
        if (presence) this.send(presence);
        return;
      }
    }
  }

  /** A read-only connection's update is dropped; the client hears it once per connection. */
  private refuseWrite(): void {
    if (this.toldReadOnly) return;
    this.toldReadOnly = true;
    this.log.info(
      { docName: this.doc?.name, userId: this.identity.userId },
      'collab update from a read-only connection dropped',
    );
    this.policy.refused?.(this.identity, this.doc!.name);
    this.send(encodePermissionDenied(READ_ONLY_REASON));
  }

  private closed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.early = [];
    this.throttle?.close();
    this.doc?.removeConnection(this);
    this.onClosed(this);
  }
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
