import type * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { CollabConnection } from './connection.ts';
import { stampIdentity } from './awareness-policy.ts';
import { encodeAwareness, encodeAwarenessEntries, type AwarenessEntry } from './protocol.ts';

type Origin = { source: 'connection'; conn: CollabConnection } | { source: 'redis' };

export type PresenceDeps = {
  /** Sends a message to this document's connections, but `except`. */
  broadcast(message: Uint8Array, except: CollabConnection | null): void;
  /** Hands an awareness update of this instance's clients to the other instances. */
  publish(update: Uint8Array): void;
  /** Awareness client ids one connection may speak for. */
  maxClientIdsPerConnection: number;
};

/**
 * Who is in a document, under the identity policy: a connection speaks only
 * for the client ids it introduced (or that the same user held elsewhere,
 * once it sends them a newer state: a reconnect whose old socket is still
 * closing), its `user` field always names the signed-in user, and its states
 * go when it goes.
 */
export class DocPresence {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly owners = new Map<number, CollabConnection>();

  constructor(
    doc: Y.Doc,
    private readonly deps: PresenceDeps,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  accept(conn: CollabConnection, entries: AwarenessEntry[]): void {
    const allowed: AwarenessEntry[] = [];
    const removed: AwarenessEntry[] = [];
    for (const e of entries) {
      const owner = this.owners.get(e.clientId);
      if (owner !== conn) {
        if (owner && owner.identity.userId !== conn.identity.userId) continue;
        if (!this.mayClaim(e.clientId, conn.identity.userId)) continue;
        const known = this.awareness.meta.get(e.clientId)?.clock;
        if (known !== undefined && e.clock <= known) {
          // Nothing new: a y-websocket provider sends back every presence it
          // receives, so the person's other tabs echo this one. Or a client
          // back from a dropped connection with the clock it had before the
          // server removed its state: told of the removal, it answers with
          // a newer clock, as y-protocols does for its own state.
          if (e.state !== null && !this.awareness.getStates().has(e.clientId))
            removed.push({ clientId: e.clientId, clock: known, state: null });
          continue;
        }
        let mine = 0;
        for (const o of this.owners.values()) if (o === conn) mine++;
        if (mine >= this.deps.maxClientIdsPerConnection) continue;
        this.owners.set(e.clientId, conn);
      }
      allowed.push({ ...e, state: stampIdentity(e.state, conn.identity) });
    }
    if (removed.length > 0) conn.send(encodeAwareness(encodeAwarenessEntries(removed)));
    if (allowed.length === 0) return;
    const origin: Origin = { source: 'connection', conn };
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(allowed), origin);
    for (const e of allowed) if (e.state === null) this.owners.delete(e.clientId);
  }

  /** Forgets a connection's clients: peers must not keep showing someone who left. */
  release(conn: CollabConnection): void {
    const gone: number[] = [];
    for (const [clientId, owner] of this.owners) if (owner === conn) gone.push(clientId);
    for (const id of gone) this.owners.delete(id);
    if (gone.length > 0)
      awarenessProtocol.removeAwarenessStates(this.awareness, gone, {
        source: 'connection',
        conn,
      } satisfies Origin);
  }

  /** Presence another instance published; it was stamped there. */
  applyRemote(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, {
      source: 'redis',
    } satisfies Origin);
  }

  /** The awareness message a new connection receives: everyone present now. */
  snapshot(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    if (ids.length === 0) return null;
    return encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
  }

  /** This instance's clients' states, for an instance that asks; null when there are none. */
  localStates(): Uint8Array | null {
    const mine = [...this.owners.keys()].filter((id) => this.awareness.getStates().has(id));
    return mine.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, mine) : null;
  }

  destroy(): void {
    this.awareness.destroy();
  }

  private mayClaim(clientId: number, userId: string): boolean {
    const state = this.awareness.getStates().get(clientId) as
      { user?: { id?: unknown } } | undefined;
    return state === undefined || state.user?.id === userId;
  }

  private onUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const ids = [...changes.added, ...changes.updated, ...changes.removed];
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids);
    const from = origin as Origin | undefined;
    this.deps.broadcast(encodeAwareness(update), from?.source === 'connection' ? from.conn : null);
    if (from?.source !== 'redis') this.deps.publish(update);
  };
}
