import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { decodeTandemMessage, encodeAccess, encodeSaveAck } from '@tandem/shared';
import {
  checkOverlaps,
  decodeClientMessage,
  encodeAwarenessEntries,
  encodePermissionDenied,
  changesNothing,
  ProtocolError,
} from './protocol.ts';

function syncMessage(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  write(e);
  return encoding.toUint8Array(e);
}

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('goals').insert(0, text);
  return doc;
}

describe('decodeClientMessage', () => {
  it('reads the three sync messages a y-websocket client sends', () => {
    const doc = docWithText('hello');
    const step1 = decodeClientMessage(syncMessage((e) => syncProtocol.writeSyncStep1(e, doc)));
    expect(step1).toEqual({ type: 'sync-step1', stateVector: Y.encodeStateVector(doc) });

    const step2 = decodeClientMessage(syncMessage((e) => syncProtocol.writeSyncStep2(e, doc)));
    expect(step2.type).toBe('sync-step2');

    const update = Y.encodeStateAsUpdate(doc);
    const upd = decodeClientMessage(syncMessage((e) => syncProtocol.writeUpdate(e, update)));
    expect(upd).toMatchObject({ type: 'update', update });
  });

  it('reads awareness and awareness queries', () => {
    const doc = new Y.Doc();
    const aw = new awarenessProtocol.Awareness(doc);
    aw.setLocalState({ cursor: 3, user: { name: 'x' } });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(aw, [doc.clientID]));
    const msg = decodeClientMessage(encoding.toUint8Array(e));
    expect(msg).toEqual({
      type: 'awareness',
      entries: [{ clientId: doc.clientID, clock: 1, state: { cursor: 3, user: { name: 'x' } } }],
    });
    expect(decodeClientMessage(Uint8Array.of(3))).toEqual({ type: 'query-awareness' });
    aw.destroy();
  });

  const valid = syncMessage((e) =>
    syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(docWithText('abc'))),
  );

  it.each([
    ['an empty message', new Uint8Array()],
    ['an unknown message type', Uint8Array.of(7)],
    ['the auth type, which clients never send', Uint8Array.of(2, 0)],
    ['an unknown sync step', Uint8Array.of(0, 9, 0)],
    ['a truncated varint', Uint8Array.of(0x80)],
    ['an absurd length', Uint8Array.of(0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f)],
    ['a truncated update', valid.subarray(0, valid.length - 3)],
    ['trailing bytes', Uint8Array.from([...valid, 0])],
    ['an update of garbage', Uint8Array.of(0, 2, 4, 0xff, 0xff, 0xff, 0xff)],
    ['a state vector of garbage', Uint8Array.of(0, 0, 2, 0xff, 0xff)],
    ['awareness that is not JSON', awarenessWith('{nope')],
    ['awareness that is an array', awarenessWith('[1,2]')],
    ['awareness with invalid UTF-8', awarenessWithBytes(Uint8Array.of(0xc3, 0x28))],
  ])('refuses %s', (_name, bytes) => {
    expect(() => decodeClientMessage(bytes)).toThrow(ProtocolError);
  });

  it('refuses subdocuments', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('sub', new Y.Doc());
    const msg = syncMessage((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc)));
    expect(() => decodeClientMessage(msg)).toThrow(/subdocuments/);
  });

  it('refuses an item whose origin points at itself, which Yjs would half-apply and throw on', () => {
    // One client (5), one string item at clock 3 whose left origin is 5:3, empty delete set.
    const update = Uint8Array.of(1, 1, 5, 3, 0x84, 5, 3, 1, 0x78, 0);
    expect(() => Y.decodeUpdate(update)).not.toThrow();
    const msg = syncMessage((e) => syncProtocol.writeUpdate(e, update));
    expect(() => decodeClientMessage(msg)).toThrow(/refers forward/);
    const backwards = Uint8Array.of(1, 1, 5, 3, 0x84, 5, 2, 1, 0x78, 0);
    expect(() =>
      decodeClientMessage(syncMessage((e) => syncProtocol.writeUpdate(e, backwards))),
    ).not.toThrow();
  });

  it('refuses an empty delete range, which Yjs throws on while keeping it for later', () => {
    // No structs; client 5 deletes 0 items at clock 74 (beyond anything it has).
    const update = Uint8Array.of(0, 1, 5, 1, 74, 0);
    expect(() => Y.decodeUpdate(update)).not.toThrow();
    expect(() => Y.applyUpdate(new Y.Doc(), update)).toThrow();
    const msg = syncMessage((e) => syncProtocol.writeUpdate(e, update));
    expect(() => decodeClientMessage(msg)).toThrow(/empty delete range/);
  });

  it('never aliases the socket buffer', () => {
    const update = Y.encodeStateAsUpdate(docWithText('abc'));
    const msg = syncMessage((e) => syncProtocol.writeUpdate(e, update));
    const pooled = new Uint8Array(msg.length + 10);
    pooled.set(msg, 5);
    const out = decodeClientMessage(pooled.subarray(5, 5 + msg.length));
    if (out.type !== 'update') throw new Error('expected an update');
    expect(out.update.byteOffset).toBe(0);
    expect(out.update.buffer.byteLength).toBe(update.length);
  });
});

function awarenessWith(json: string): Uint8Array {
  return awarenessWithBytes(new TextEncoder().encode(json));
}

function awarenessWithBytes(state: Uint8Array): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, 42);
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint8Array(inner, state);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}

describe('server messages', () => {
  it('encode awareness the way y-protocols reads it', () => {
    const doc = new Y.Doc();
    const aw = new awarenessProtocol.Awareness(doc);
    awarenessProtocol.applyAwarenessUpdate(
      aw,
      encodeAwarenessEntries([{ clientId: 7, clock: 2, state: { a: 1 } }]),
      null,
    );
    expect(aw.getStates().get(7)).toEqual({ a: 1 });
    aw.destroy();
  });

  it('encode permission denied as the standard auth message', () => {
    const d = decoding.createDecoder(encodePermissionDenied('read-only'));
    expect(decoding.readVarUint(d)).toBe(2);
    expect(decoding.readVarUint(d)).toBe(0);
    expect(decoding.readVarString(d)).toBe('read-only');
  });

  it('agree with lib0 on the Tandem extension messages', () => {
    for (const count of [0, 1, 127, 128, 300, 2 ** 31 + 5]) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 100);
      encoding.writeVarUint(e, count);
      expect(encodeSaveAck(count)).toEqual(encoding.toUint8Array(e));
      expect(decodeTandemMessage(encodeSaveAck(count))).toEqual({ type: 'save-ack', count });
    }
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 101);
    encoding.writeVarString(e, 'read');
    expect(encodeAccess('read')).toEqual(encoding.toUint8Array(e));
    expect(decodeTandemMessage(encodeAccess('write'))).toEqual({ type: 'access', access: 'write' });
    expect(decodeTandemMessage(Uint8Array.of(100))).toBeNull();
    expect(decodeTandemMessage(Uint8Array.of(0, 0, 0))).toBeNull();
  });

  it('tell an update that holds nothing new, such as a reader’s answer to sync, from a change', () => {
    const doc = docWithText('abc');
    doc.getText('goals').delete(1, 1);
    const reader = new Y.Doc();
    Y.applyUpdate(reader, Y.encodeStateAsUpdate(doc));
    const answer = Y.encodeStateAsUpdate(reader, Y.encodeStateVector(doc));
    // Not empty: it carries the deletion the reader learned from the document.
    expect(answer.length).toBeGreaterThan(2);
    const nothing = (u: Uint8Array) =>
      changesNothing(
        doc,
        u,
        Y.decodeUpdate(u).structs.filter((s) => s instanceof Y.Item),
      );
    expect(nothing(answer)).toBe(true);
    expect(nothing(Y.encodeStateAsUpdate(doc))).toBe(true);

    const before = Y.encodeStateVector(reader);
    reader.getText('goals').insert(0, 'z');
    expect(nothing(Y.encodeStateAsUpdate(reader, before))).toBe(false);
    const deleting = new Y.Doc();
    Y.applyUpdate(deleting, Y.encodeStateAsUpdate(doc));
    const sv = Y.encodeStateVector(deleting);
    deleting.getText('goals').delete(0, 1);
    expect(nothing(Y.encodeStateAsUpdate(deleting, sv))).toBe(false);
  });
});

describe('checkOverlaps', () => {
  /** Client 1 wrote "abc" into the therapy text, then set safety.contacts. */
  function held(): Y.Doc {
    const author = new Y.Doc();
    author.clientID = 1;
    author.getText('goals').insert(0, 'abc');
    author.getMap('safety').set('contacts', ['crisis line']);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(author));
    return doc;
  }
  /** Client 1's text, as if it had written `text` first: its items overlap what `held` has. */
  function itemsOf(text: string): Y.Item[] {
    const other = new Y.Doc();
    other.clientID = 1;
    other.getText('goals').insert(0, text);
    const msg = syncMessage((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(other)));
    const decoded = decodeClientMessage(msg);
    if (decoded.type !== 'update') throw new Error('not an update');
    return decoded.items;
  }

  it('refuses an item that goes on past the known part in another place', () => {
    // "abcdef" is client 1's clocks 0–5; the document holds 0–3, and 3 is the map entry.
    const doc = held();
    expect(() => checkOverlaps(doc, itemsOf('abcdef'))).toThrow(/another place/);
  });

  it('refuses a known item sent again naming something the document lacks', () => {
    // Client 1 wrote "abc" after client 2's "z"; the document has client 1's clocks 0–3 but not "z".
    const other = new Y.Doc();
    other.clientID = 2;
    other.getText('goals').insert(0, 'z');
    const writer = new Y.Doc();
    writer.clientID = 1;
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(other));
    writer.getText('goals').insert(1, 'abc');
    const onlyClient1 = Y.encodeStateAsUpdate(writer, Y.encodeStateVector(other));
    const msg = syncMessage((e) => syncProtocol.writeUpdate(e, onlyClient1));
    const decoded = decodeClientMessage(msg);
    if (decoded.type !== 'update') throw new Error('not an update');
    expect(() => checkOverlaps(held(), decoded.items)).toThrow(/references the document lacks/);
    // New to the document, the same items just wait for "z", as Yjs lets them.
    expect(() => checkOverlaps(new Y.Doc(), decoded.items)).not.toThrow();
  });

  it('passes an item sent again that goes on in the same place, and new items', () => {
    const author = new Y.Doc();
    author.clientID = 1;
    author.getText('goals').insert(0, 'abc');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(author));
    expect(() => checkOverlaps(doc, itemsOf('abcdef'))).not.toThrow();
    expect(() => checkOverlaps(new Y.Doc(), itemsOf('abcdef'))).not.toThrow();
    expect(() => checkOverlaps(held(), itemsOf('ab'))).not.toThrow();
  });
});
