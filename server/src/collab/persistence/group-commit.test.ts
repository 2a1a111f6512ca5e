import { describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { GroupCommit } from './group-commit.ts';
import type { CollabStore, StoredUpdate } from './store.ts';

/** A store in memory that can be told to fail, to watch batching and retries. */
function memoryStore() {
  const batches: StoredUpdate[][] = [];
  let failuresLeft = 0;
  let release: (() => void) | null = null;
  const store: CollabStore = {
    init: async () => {},
    load: async () => ({ updates: [], bytes: 0 }),
    compact: async () => null,
    append: async (rows) => {
      if (release === null) await new Promise<void>((r) => (release = r));
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('disk on fire');
      }
      batches.push([...rows]);
    },
  };
  return {
    store,
    batches,
    failNext: (n: number) => (failuresLeft = n),
    open: () => {
      const r = release as (() => void) | null;
      release = () => {};
      r?.();
    },
  };
}

const row = (n: number): StoredUpdate => ({
  docName: 'd',
  update: Uint8Array.of(n),
  userId: 'u',
  sections: [],
  at: new Date(0),
});

describe('GroupCommit', () => {
  it('writes rows that arrive during a write together, in order', async () => {
    const m = memoryStore();
    const gc = new GroupCommit(m.store, pino({ level: 'silent' }));
    const done: number[] = [];
    gc.add(row(1), () => done.push(1));
    // The first write is under way (and held) when the next rows come in.
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 2; i <= 5; i++) gc.add(row(i), () => done.push(i));
    m.open();
    await gc.flush();
    expect(m.batches.map((b) => b.map((r) => r.update[0]))).toEqual([[1], [2, 3, 4, 5]]);
    expect(done).toEqual([1, 2, 3, 4, 5]);
    expect(gc.stats).toMatchObject({ batches: 2, rows: 5 });
  });

  it('retries a failed write with the same rows before anything later', async () => {
    const m = memoryStore();
    const gc = new GroupCommit(m.store, pino({ level: 'silent' }), { retryMs: 1 });
    m.failNext(2);
    m.open();
    const done: number[] = [];
    gc.add(row(1), () => done.push(1));
    gc.add(row(2), () => done.push(2));
    await gc.flush();
    expect(done).toEqual([1, 2]);
    expect(m.batches.flat().map((r) => r.update[0])).toEqual([1, 2]);
    expect(gc.stats.failures).toBe(2);
  });
});

describe('GroupCommit batching', () => {
  /** A store that records when each write started and what it held. */
  function timedStore() {
    const writes: { at: number; rows: number[] }[] = [];
    const store: CollabStore = {
      init: async () => {},
      load: async () => ({ updates: [], bytes: 0 }),
      compact: async () => null,
      append: async (rows) => {
        writes.push({ at: performance.now(), rows: rows.map((r) => r.update[0]!) });
      },
    };
    return { store, writes };
  }

  it('writes every row added in one turn of the event loop together', async () => {
    const t = timedStore();
    const gc = new GroupCommit(t.store, pino({ level: 'silent' }));
    for (let i = 1; i <= 4; i++) gc.add(row(i), () => {});
    await gc.flush();
    expect(t.writes.map((w) => w.rows)).toEqual([[1, 2, 3, 4]]);
  });

  it('starts writes no closer together than minGapMs, gathering what came meanwhile', async () => {
    const t = timedStore();
    // A gap far longer than the test's own waits, so a slow machine cannot split the second batch.
    const gc = new GroupCommit(t.store, pino({ level: 'silent' }), { minGapMs: 300 });
    gc.add(row(1), () => {});
    // The first write starts at the end of this turn; whatever comes after waits out the gap.
    await vi.waitFor(() => expect(t.writes).toHaveLength(1), { interval: 1 });
    gc.add(row(2), () => {});
    await new Promise((r) => setTimeout(r, 5));
    gc.add(row(3), () => {});
    await gc.flush();
    expect(t.writes.map((w) => w.rows)).toEqual([[1], [2, 3]]);
    // Timers may fire a little early or late; never a whole gap early.
    expect(t.writes[1]!.at - t.writes[0]!.at).toBeGreaterThanOrEqual(295);
  });
});

describe('GroupCommit.flush', () => {
  it('waits for the rows added before it, not for rows that keep coming', async () => {
    const written: number[] = [];
    const slow: CollabStore = {
      init: async () => {},
      load: async () => ({ updates: [], bytes: 0 }),
      compact: async () => null,
      append: async (rows) => {
        await new Promise((r) => setTimeout(r, 5));
        written.push(...rows.map((r) => r.update[0]!));
      },
    };
    const gc = new GroupCommit(slow, pino({ level: 'silent' }));
    gc.add(row(1), () => {});
    const flushed = gc.flush();
    let more = 2;
    // Another document writes faster than the store: the queue never runs dry.
    const writer = setInterval(() => gc.add(row(more++ % 250), () => {}), 1);
    await flushed;
    clearInterval(writer);
    expect(written[0]).toBe(1);
    expect(gc.pending).toBeGreaterThan(0);
  });
});
