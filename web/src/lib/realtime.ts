import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@tandem/shared';

export type TandemSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: TandemSocket | null = null;

/**
 * The signed-in tab's one Socket.IO connection (cookie-authenticated). Opened
 * on first use; closed on sign-out so the next user starts with a fresh handshake.
 */
export function realtime(): TandemSocket {
  socket ??= io({ path: '/socket.io', withCredentials: true, transports: ['websocket'] });
  return socket;
}

export function closeRealtime(): void {
  socket?.disconnect();
  socket = null;
}
