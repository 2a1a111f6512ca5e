import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { holdUntilTurnEnds } from './outbox.ts';

/** A socket that counts its writes; each is one system call on a real socket. */
function countingSocket() {
  const writes: string[][] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      writes.push([chunk.toString()]);
      cb();
    },
    writev(chunks, cb) {
      writes.push(chunks.map((c) => String(c.chunk)));
      cb();
    },
  });
  return { socket, writes };
}

describe('holdUntilTurnEnds', () => {
  it('hands a turn of messages to each socket as one write, once the turn ends', async () => {
    const a = countingSocket();
    const b = countingSocket();
    for (const m of ['1', '2', '3']) {
      for (const s of [a, b]) {
        holdUntilTurnEnds(s.socket);
        s.socket.write(m);
      }
    }
    expect(a.writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(a.writes).toEqual([['1', '2', '3']]);
    expect(b.writes).toEqual([['1', '2', '3']]);
    expect(a.socket.writableCorked).toBe(0);

    // The next turn starts over.
    holdUntilTurnEnds(a.socket);
    a.socket.write('4');
    await new Promise((r) => setImmediate(r));
    expect(a.writes).toEqual([['1', '2', '3'], ['4']]);
  });
});
