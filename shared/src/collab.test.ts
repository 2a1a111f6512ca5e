import { describe, expect, it } from 'vitest';
import {
  decodeTandemMessage,
  encodeSaveAck,
  isUpdateMessage,
  presenceOf,
  SaveTracker,
} from './collab.ts';

describe('SaveTracker', () => {
  it('is saved only once the message carrying the newest change is acknowledged', () => {
    const t = new SaveTracker();
    expect(t.status).toBe('offline');
    t.connected({});
    expect(t.status).toBe('saved');
    t.localChange();
    t.sent();
    t.localChange();
    t.sent();
    expect(t.status).toBe('saving');
    t.ack(1);
    expect(t.status).toBe('saving');
    t.ack(2);
    expect(t.status).toBe('saved');
  });

  it('keeps changes pending across a lost connection until the next one stores them', () => {
    const t = new SaveTracker();
    const first = {};
    t.connected(first);
    t.localChange();
    t.sent();
    t.disconnected(first);
    t.localChange();
    expect(t.status).toBe('offline');
    expect(t.pending).toBe(true);
    t.connected({});
    t.ack(1); // an ack for a message this connection never sent proves nothing
    expect(t.pending).toBe(true);
    t.sent(); // sync step 2 carries both changes
    t.ack(1);
    expect(t.status).toBe('saved');
  });

  it('stays online when a replaced connection reports its close after the new one opened', () => {
    const t = new SaveTracker();
    const old = {};
    const replacement = {};
    t.connected(old);
    t.connected(replacement); // the provider gave up on `old` and opened `replacement`
    t.localChange();
    t.sent();
    t.disconnected(old); // the browser reports the old socket's close only now
    expect(t.status).toBe('saving');
    t.ack(1);
    expect(t.status).toBe('saved');
    t.disconnected(replacement);
    expect(t.status).toBe('offline');
  });
});

describe('wire helpers', () => {
  it('recognise the update-carrying messages', () => {
    expect(isUpdateMessage(Uint8Array.of(0, 1, 2, 0, 0))).toBe(true);
    expect(isUpdateMessage(Uint8Array.of(0, 2, 2, 0, 0))).toBe(true);
    expect(isUpdateMessage(Uint8Array.of(0, 0, 0))).toBe(false);
    expect(isUpdateMessage(Uint8Array.of(1, 2))).toBe(false);
  });

  it('round-trip save acks', () => {
    expect(decodeTandemMessage(encodeSaveAck(1234567))).toEqual({
      type: 'save-ack',
      count: 1234567,
    });
  });
});

describe('presenceOf', () => {
  it('lists stamped users, self first, and skips states without a user', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { id: 'u2', name: 'Zoe', role: 'therapist', color: '#123456' }, cursor: 4 }],
      [2, { cursor: 1 }],
      [3, { user: { id: 'u1', name: 'Ada', role: 'prescriber' } }],
      [4, { user: { id: 'u9', name: 'Me', role: 'patient' } }],
    ]);
    expect(presenceOf(states, 4).map((p) => [p.name, p.self, p.color])).toEqual([
      ['Me', true, '#52615f'],
      ['Ada', false, '#52615f'],
      ['Zoe', false, '#123456'],
    ]);
    expect(presenceOf(states, 4)[2]!.state.cursor).toBe(4);
  });
});
