import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { CloseCode, CollabMessage } from '@tandem/shared';
import {
  connectClient,
  docName,
  rawClient,
  startEngine,
  storedDoc,
  syncMessage,
} from './helpers.ts';

/** A small seeded PRNG, so that a failing run can be replayed with FUZZ_SEED. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    bytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

/** Realistic updates of a plan: nested maps in arrays, text, deletions, formatting. */
function sampleUpdates(): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  const meds = doc.getArray<Y.Map<unknown>>('medications');
  const m = new Y.Map<unknown>();
  m.set('id', 'm1');
  m.set('name', 'sertraline');
  m.set('dose', 50);
  meds.push([m]);
  m.set('dose', 100);
  const t = doc.getText('therapy');
  t.insert(0, 'CBT weekly, sleep diary');
  t.format(0, 3, { bold: true });
  t.delete(4, 6);
  doc.getMap('safety').set('contacts', ['crisis line', { n: 988 }]);
  meds.delete(0, 1);
  return out;
}

function syncUpdate(update: Uint8Array): Uint8Array {
  return syncMessage((e) => syncProtocol.writeUpdate(e, update));
}

function varUint(n: number): number[] {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, n);
  return [...encoding.toUint8Array(e)];
}

type Kind =
  | 'random bytes'
  | 'truncated varint'
  | 'absurd length'
  | 'mutated update'
  | 'truncated update'
  | 'wrong type'
  | 'bad awareness'
  | 'oversized';

function malformed(
  r: ReturnType<typeof prng>,
  samples: Uint8Array[],
  maxBytes: number,
): [Kind, Uint8Array] {
  const kind = r.pick<Kind>([
    'random bytes',
    'truncated varint',
    'absurd length',
    'mutated update',
    'mutated update',
    'mutated update',
    'truncated update',
    'wrong type',
    'bad awareness',
    'oversized',
  ]);
  const valid = syncUpdate(r.pick(samples));
  switch (kind) {
    case 'random bytes':
      return [kind, r.bytes(r.int(64))];
    case 'truncated varint':
      return [
        kind,
        Uint8Array.from([
          r.pick([0, 1, 3]),
          ...Array.from({ length: 1 + r.int(12) }, () => 0x80 | r.int(128)),
        ]),
      ];
    case 'absurd length':
      return [
        kind,
        Uint8Array.from([
          0,
          r.pick([0, 1, 2]),
          ...varUint(2 ** 31 + r.int(2 ** 20)),
          ...r.bytes(r.int(8)),
        ]),
      ];
    case 'mutated update': {
      const m = valid.slice();
      for (let i = 0, n = 1 + r.int(4); i < n; i++) m[2 + r.int(m.length - 2)] = r.int(256);
      return [kind, m];
    }
    case 'truncated update':
      return [kind, valid.subarray(0, 1 + r.int(valid.length - 1))];
    case 'wrong type':
      return [
        kind,
        Uint8Array.from([
          ...varUint(r.pick([2, 4, 5, 99, CollabMessage.SaveAck, CollabMessage.Access, 300])),
          ...r.bytes(r.int(6)),
        ]),
      ];
    case 'bad awareness': {
      const json = r.pick(['{"a":', '[1]', '"str"', '{"x":1}garbage', '\u0000']);
      const text = new TextEncoder().encode(json);
      return [
        kind,
        Uint8Array.from([
          1,
          ...varUint(text.length + 4),
          1,
          ...varUint(r.int(1000)),
          1,
          ...varUint(text.length),
          ...text,
        ]),
      ];
    }
    case 'oversized':
      return [kind, Uint8Array.from([0, 2, ...varUint(maxBytes), ...new Uint8Array(maxBytes)])];
  }
}

describe('collab engine under malformed input', () => {
  it(
    'survives 1,200 malformed messages with the stored document intact',
    { timeout: 120_000 },
    async () => {
      const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100_000);
      const r = prng(seed);
      const maxBytes = 16 * 1024;
      const engine = await startEngine({ options: { maxMessageBytes: maxBytes } });
      const name = docName('fuzz');
      const samples = sampleUpdates();

      // An honest editor stays connected throughout and must never notice anything.
      const good = connectClient(engine.wsUrl, name, { token: 'good', tandem: true });
      await good.synced;
      for (const u of samples) Y.applyUpdate(good.doc, u);
      await vi.waitFor(() => expect(good.saves.status).toBe('saved'));

      const closes = new Map<number, number>();
      const accepted: Uint8Array[] = [];
      const TOTAL = 1200;
      const PARALLEL = 24;
      let sent = 0;
      const one = async () => {
        const [kind, bytes] = malformed(r, samples, maxBytes);
        const c = rawClient(engine.wsUrl, name, { token: `fuzzer${sent}`, tandem: true });
        await c.opened;
        c.send(bytes);
        // A valid request after the garbage: its answer proves the garbage was handled and survived.
        c.send(syncMessage((e) => syncProtocol.writeSyncStep1(e, new Y.Doc())));
        const outcome = await Promise.race([
          c.closed.then((ev) => ev.code),
          vi.waitFor(
            () => {
              const answered = c.received.some((m) => m[0] === 0 && m[1] === 1);
              const carriesUpdate = bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2);
              const acked = c.received.some((m) => m[0] === CollabMessage.SaveAck);
              if (!answered || (carriesUpdate && !acked)) throw new Error('waiting');
              return 'open' as const;
            },
            { timeout: 10_000, interval: 5 },
          ),
        ]);
        if (outcome === 'open') {
          if (bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2)) accepted.push(bytes);
          expect(kind).not.toBe('oversized');
          c.close();
        } else {
          closes.set(outcome, (closes.get(outcome) ?? 0) + 1);
        }
      };
      while (sent < TOTAL) {
        const batch = [];
        for (let i = 0; i < PARALLEL && sent < TOTAL; i++, sent++) batch.push(one());
        await Promise.all(batch);
      }

      // Refusals used the documented codes only; most input was refused.
      expect(
        [...closes.keys()].every(
          (c) => c === CloseCode.Malformed || c === CloseCode.MessageTooLarge,
        ),
        `seed ${seed}: ${JSON.stringify([...closes])}`,
      ).toBe(true);
      expect([...closes.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(TOTAL / 2);
      expect(good.closes).toEqual([]);

      // The server still works for the honest editor.
      let lastEdit: Uint8Array | null = null;
      good.doc.once('update', (u: Uint8Array) => (lastEdit = u));
      good.doc.getMap('goals').set('after-fuzz', true);
      await vi.waitFor(() => expect(good.saves.status).toBe('saved'));

      // The stored document is exactly the honest edits plus the input the server acknowledged:
      // nothing of what it refused got in.
      const expected = new Y.Doc();
      for (const u of [...samples, ...accepted.map(payload), lastEdit!]) Y.applyUpdate(expected, u);
      await engine.handle.flush();
      const stored = await storedDoc(engine.conn, name);
      const why = `FUZZ_SEED=${seed}`;
      expect(Y.equalSnapshots(Y.snapshot(stored), Y.snapshot(expected)), why).toBe(true);
      expect(Y.equalSnapshots(Y.snapshot(good.doc), Y.snapshot(expected)), why).toBe(true);
      expect(stored.getText('therapy').toString(), why).toBe(
        expected.getText('therapy').toString(),
      );

      // A fresh instance loads it and serves it.
      await engine.stop();
      const again = await startEngine({ dbName: engine.dbName });
      const fresh = connectClient(again.wsUrl, name, { token: 'fresh' });
      await fresh.synced;
      expect(fresh.doc.getText('therapy').toString()).toBe(good.doc.getText('therapy').toString());
      expect(Y.equalSnapshots(Y.snapshot(fresh.doc), Y.snapshot(expected)), why).toBe(true);
    },
  );
});

/** The update inside a sync step 2 or update message. */
function payload(message: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(message);
  decoding.readVarUint(d);
  decoding.readVarUint(d);
  return decoding.readVarUint8Array(d);
}
