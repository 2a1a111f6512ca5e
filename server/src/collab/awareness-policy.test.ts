import { afterEach, describe, expect, it, vi } from 'vitest';
import { AwarenessThrottle, colorFor, stampIdentity } from './awareness-policy.ts';
import type { AwarenessEntry } from './protocol.ts';

const identity = { userId: 'u1', name: 'Dr. Ada', role: 'prescriber' as const, sessionId: 's' };

describe('stampIdentity', () => {
  it('replaces whatever user a client claims with the signed-in one', () => {
    const out = stampIdentity(
      { cursor: { anchor: 1 }, user: { id: 'someone-else', name: 'Mallory', role: 'patient' } },
      identity,
    );
    expect(out).toEqual({
      cursor: { anchor: 1 },
      user: { id: 'u1', name: 'Dr. Ada', role: 'prescriber', color: colorFor('u1') },
    });
  });

  it('keeps a valid chosen color and leaves a departure alone', () => {
    expect(stampIdentity({ user: { color: '#123abc' } }, identity)?.user).toMatchObject({
      color: '#123abc',
    });
    expect(stampIdentity({ user: { color: 'red; x' } }, identity)?.user).toMatchObject({
      color: colorFor('u1'),
    });
    expect(stampIdentity(null, identity)).toBeNull();
  });
});

describe('AwarenessThrottle', () => {
  afterEach(() => vi.useRealTimers());

  it('passes a burst, holds the rest and delivers the newest state later', () => {
    vi.useFakeTimers();
    const applied: AwarenessEntry[][] = [];
    const t = new AwarenessThrottle(
      { burst: 3, perSecond: 10 },
      (e) => applied.push(e),
      () => Date.now(),
    );
    for (let clock = 1; clock <= 50; clock++) t.offer([{ clientId: 9, clock, state: { clock } }]);
    expect(applied).toHaveLength(3);
    expect(t.heldCount).toBe(1);
    vi.advanceTimersByTime(150);
    expect(applied).toHaveLength(4);
    expect(applied[3]).toEqual([{ clientId: 9, clock: 50, state: { clock: 50 } }]);
    expect(t.heldCount).toBe(0);
    t.close();
  });
});
