import { describe, expect, it } from 'vitest';
import { AckQueue, DurableTracker } from './durability.ts';
import { RemotePending } from './remote-pending.ts';

describe('DurableTracker', () => {
  it('keeps the watermark below the oldest change not yet stored', () => {
    const t = new DurableTracker();
    expect(t.watermark).toBe(0);
    const a = t.issue();
    const b = t.issue();
    const c = t.issue();
    expect(t.watermark).toBe(0);
    t.done(b);
    expect(t.watermark).toBe(0);
    t.done(a);
    expect(t.watermark).toBe(b);
    t.done(c);
    expect(t.watermark).toBe(c);
    expect(t.pendingCount).toBe(0);
  });

  it('stays correct over many changes', () => {
    const t = new DurableTracker();
    const seqs = Array.from({ length: 5000 }, () => t.issue());
    for (const s of seqs.filter((s) => s % 2 === 0)) t.done(s);
    expect(t.watermark).toBe(0);
    for (const s of seqs.filter((s) => s % 2 === 1)) t.done(s);
    expect(t.watermark).toBe(5000);
  });
});

describe('AckQueue', () => {
  it('acknowledges messages once the watermark reaches what they needed', () => {
    const q = new AckQueue();
    q.receive(3);
    q.receive(3);
    q.receive(5);
    expect(q.advance(2)).toBeNull();
    expect(q.advance(4)).toBe(2);
    expect(q.advance(4)).toBeNull();
    expect(q.advance(5)).toBe(3);
    expect(q.ackedCount).toBe(3);
  });
});

describe('RemotePending', () => {
  const row = {
    docName: 'd',
    update: new Uint8Array(),
    userId: 'u',
    sections: [],
    at: new Date(0),
  };

  it('confirms changes by origin and hands over the ones never confirmed', () => {
    const r = new RemotePending();
    // Each change was issued by its origin a little before it arrived here.
    const issued = (at: number) => ({ ...row, at: new Date(at) });
    r.add('a', { theirLseq: 1, ourLseq: 10, row: issued(96), receivedAt: 100 });
    r.add('a', { theirLseq: 2, ourLseq: 11, row: issued(190), receivedAt: 200 });
    r.add('b', { theirLseq: 7, ourLseq: 12, row: issued(149), receivedAt: 150 });
    // The issue time, not the arrival: the stream entry's id lies between them.
    expect(r.oldest).toBe(96);
    expect(r.confirm('a', 1)).toEqual([10]);
    expect(r.confirm('zzz', 9)).toEqual([]);
    const expired = r.takeExpired(180);
    expect(expired).toEqual([
      { instanceId: 'b', changes: [expect.objectContaining({ ourLseq: 12 })] },
    ]);
    expect(r.size).toBe(1);
    expect(r.takeExpired().flatMap((e) => e.changes.map((c) => c.ourLseq))).toEqual([11]);
    expect(r.size).toBe(0);
  });
});
