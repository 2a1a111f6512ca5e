import type { Duplex } from 'node:stream';

/**
 * Coalesces what the server writes to one client socket within one turn of
 * the event loop (broadcasts on busy documents). The first message to a
 * socket in a turn corks it; a single `setImmediate` uncorks every corked
 * socket once the turn's I/O callbacks have run. A socket that is sent k
 * messages in a turn then costs one `writev` instead of k: on a busy
 * document, where every change goes to every peer, those system calls were
 * most of the server's time. The wait is only the rest of the turn.
 */
const corked = new Set<Duplex>();
let scheduled = false;

export function holdUntilTurnEnds(socket: Duplex): void {
  if (corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (!scheduled) {
    scheduled = true;
    setImmediate(release);
  }
}

function release(): void {
  scheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
}
