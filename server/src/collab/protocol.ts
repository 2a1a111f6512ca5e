import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CollabMessage, SyncStep } from '@tandem/shared';

/**
 * The y-websocket wire protocol as the server reads it: every client message
 * is decoded completely and checked before anything acts on it, so a
 * malformed or truncated message is refused whole instead of half-applied.
 */

export class ProtocolError extends Error {}

export type AwarenessEntry = {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
};

export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array; items: Y.Item[] }
  | { type: 'update'; update: Uint8Array; items: Y.Item[] }
  | { type: 'awareness'; entries: AwarenessEntry[] }
  | { type: 'query-awareness' };

/**
 * Clients one awareness message may describe. An unmodified y-websocket
 * provider sends back every presence it receives, so a newcomer's first
 * message names everyone present: a lower cap closed newcomers as malformed
 * once 17 people had a plan open. The message size limit bounds the work.
 */
export const MAX_AWARENESS_ENTRIES = 1000;
export const MAX_AWARENESS_STATE_BYTES = 8 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeClientMessage(message: Uint8Array): ClientMessage {
  const d = decoding.createDecoder(message);
  const type = readUint(d);
  let out: ClientMessage;
  switch (type) {
    case CollabMessage.Sync: {
      const step = readUint(d);
      if (step === SyncStep.Step1) {
        out = { type: 'sync-step1', stateVector: validStateVector(readBytes(d)) };
      } else if (step === SyncStep.Step2 || step === SyncStep.Update) {
        const update = readBytes(d);
        const items = validItems(update);
        out = { type: step === SyncStep.Step2 ? 'sync-step2' : 'update', update, items };
      } else {
        throw new ProtocolError(`unknown sync step ${step}`);
      }
      break;
    }
    case CollabMessage.Awareness:
      out = { type: 'awareness', entries: decodeAwareness(readBytes(d)) };
      break;
    case CollabMessage.QueryAwareness:
      out = { type: 'query-awareness' };
      break;
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
  if (d.pos !== message.length) throw new ProtocolError('trailing bytes');
  return out;
}

function decodeAwareness(bytes: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(bytes);
  const count = readUint(d);
  if (count > MAX_AWARENESS_ENTRIES) throw new ProtocolError('too many awareness entries');
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = readUint(d);
    const clock = readUint(d);
    const raw = readBytes(d);
    if (raw.length > MAX_AWARENESS_STATE_BYTES)
      throw new ProtocolError('awareness state too large');
    let state: unknown;
    try {
      state = JSON.parse(utf8.decode(raw));
    } catch {
      throw new ProtocolError('awareness state is not JSON');
    }
    if (state !== null && (typeof state !== 'object' || Array.isArray(state)))
      throw new ProtocolError('awareness state is not an object');
    entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
  }
  if (d.pos !== bytes.length) throw new ProtocolError('trailing awareness bytes');
  return entries;
}

/**
 * Decodes the whole update before the document sees it: Yjs integrates structs
 * before it reads the delete set, so a truncated update would otherwise
 * change the document and then fail.
 */
function validItems(update: Uint8Array): Y.Item[] {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    throw new ProtocolError('malformed update');
  }
  const items: Y.Item[] = [];
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) continue;
    items.push(s);
    // Plans are flat documents; subdocuments would let a client make the server load other documents.
    if (s.content instanceof Y.ContentDoc)
      throw new ProtocolError('subdocuments are not supported');
    // Yjs checks references to other clients (and defers the update until they arrive) but trusts
    // references to the item's own client to point backwards; one that does not makes it throw
    // half-way through integration.
    const parent = s.parent instanceof Y.ID ? s.parent : null;
    for (const ref of [s.origin, s.rightOrigin, parent]) {
      if (ref && ref.client === s.id.client && ref.clock >= s.id.clock)
        throw new ProtocolError('update refers forward within its own client');
    }
  }
  // An empty delete range makes Yjs throw while it re-encodes what it cannot apply yet.
  for (const ranges of decoded.ds.clients.values()) {
    if (ranges.some((r) => r.len <= 0)) throw new ProtocolError('empty delete range');
  }
  return items;
}

/**
 * Refuses an item that starts inside what the document already holds of its
 * client when it is not the same item sent again. An honest client's copy of
 * a known item names only what the document holds (the item could not have
 * been taken in otherwise) and goes on, if at all, in the same place.
 *
 * - One that names something the document lacks would wait in Yjs' pending
 *   set, holding back what follows it, while a copy of the document (a
 *   compaction, a new client's first sync) drops the known part first and
 *   takes the rest in: the stored document would differ from the live one.
 * - One that goes on past the known part, naming another place than the last
 *   item the document holds of that client: Yjs skips the known part and
 *   puts the rest right after that last item, in that item's parent,
 *   whatever the item names; how that ends then depends on the order in
 *   which replicas receive their updates, so they could disagree.
 */
export function checkOverlaps(doc: Y.Doc, items: Y.Item[]): void {
  for (const item of items) {
    const known = Y.getState(doc.store, item.id.client);
    if (item.id.clock >= known) continue;
    const parent = item.parent instanceof Y.ID ? item.parent : null;
    for (const ref of [item.origin, item.rightOrigin, parent]) {
      if (ref && ref.clock >= Y.getState(doc.store, ref.client))
        throw new ProtocolError('update repeats a known item with references the document lacks');
    }
    if (item.id.clock + item.length <= known) continue;
    const last = Y.getItem(doc.store, Y.createID(item.id.client, known - 1));
    // Garbage-collected: nothing left to compare with, and nothing left to misplace.
    if (!(last instanceof Y.Item)) continue;
    const place = placeOf(doc, item);
    if (place && place !== placeOf(doc, last))
      throw new ProtocolError('update overlaps the document in another place');
  }
}

/**
 * Where an item goes: its parent type and map key, as a string; null when the
 * document does not know it yet (Yjs then holds the item back anyway).
 */
function placeOf(doc: Y.Doc, item: Y.Item): string | null {
  let parent: unknown = item.parent;
  let key = item.parentSub;
  if (parent === null) {
    const neighbour = item.origin ?? item.rightOrigin;
    const next = neighbour && Y.getItem(doc.store, neighbour);
    if (!(next instanceof Y.Item)) return null;
    parent = next.parent;
    key = next.parentSub;
  }
  if (typeof parent === 'string') return `root ${parent} ${key ?? ''}`;
  if (parent instanceof Y.ID) return `item ${parent.client}:${parent.clock} ${key ?? ''}`;
  const type = parent as Y.AbstractType<unknown>;
  if (type._item) return `item ${type._item.id.client}:${type._item.id.clock} ${key ?? ''}`;
  for (const [name, root] of doc.share) if (root === type) return `root ${name} ${key ?? ''}`;
  return null;
}

function validStateVector(sv: Uint8Array): Uint8Array {
  try {
    Y.decodeStateVector(sv);
  } catch {
    throw new ProtocolError('malformed state vector');
  }
  return sv;
}

function readUint(d: decoding.Decoder): number {
  try {
    return decoding.readVarUint(d);
  } catch {
    throw new ProtocolError('truncated or oversized integer');
  }
}

/** A length-prefixed byte string, copied into its own buffer so nothing aliases the socket's memory. */
function readBytes(d: decoding.Decoder): Uint8Array {
  const len = readUint(d);
  if (len > d.arr.length - d.pos) throw new ProtocolError('length exceeds message');
  const out = d.arr.slice(d.pos, d.pos + len);
  d.pos += len;
  return out;
}

function message(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, CollabMessage.Sync);
    encoding.writeVarUint(e, SyncStep.Step1);
    encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
  });
}

/** Everything `doc` has that the holder of `stateVector` lacks. */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, CollabMessage.Sync);
    encoding.writeVarUint(e, SyncStep.Step2);
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc, stateVector));
  });
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, CollabMessage.Sync);
    encoding.writeVarUint(e, SyncStep.Update);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeAwareness(awarenessUpdate: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, CollabMessage.Awareness);
    encoding.writeVarUint8Array(e, awarenessUpdate);
  });
}

export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const entry of entries) {
      encoding.writeVarUint(e, entry.clientId);
      encoding.writeVarUint(e, entry.clock);
      encoding.writeVarString(e, JSON.stringify(entry.state));
    }
  });
}

/** The standard y-protocols auth message: permission denied, with a reason. */
export function encodePermissionDenied(reason: string): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, CollabMessage.Auth);
    encoding.writeVarUint(e, 0);
    encoding.writeVarString(e, reason);
  });
}

/**
 * Whether an update holds nothing the document lacks. A client answering the
 * server's sync sends what it has that the server's state vector does not
 * show, and always every deletion it knows, so a reader that only read sends
 * back the deletions it learned from the server.
 */
export function changesNothing(doc: Y.Doc, update: Uint8Array, items: Y.Item[]): boolean {
  const known = (client: number) => Y.getState(doc.store, client);
  if (items.some((i) => i.id.clock + i.length > known(i.id.client))) return false;
  for (const [client, ranges] of Y.decodeUpdate(update).ds.clients) {
    for (const r of ranges) {
      for (let clock = r.clock; clock < r.clock + r.len;) {
        if (clock >= known(client)) return false;
        const struct = Y.getItem(doc.store, Y.createID(client, clock));
        // Garbage-collected structs are deleted content.
        if (struct instanceof Y.Item && !struct.deleted) return false;
        clock = struct.id.clock + struct.length;
      }
    }
  }
  return true;
}
