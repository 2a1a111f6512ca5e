import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@tandem/shared';
import { registerTeardown } from './server.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real Socket.IO client with a bearer token; disconnected when the test ends. */
export async function connectSocket(url: string, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  registerTeardown(async () => {
    socket.disconnect();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Joins a plan's live room; resolves with the server's answer. */
export function joinPlan(socket: ClientSocket, planId: string) {
  return new Promise<Parameters<Parameters<ClientToServerEvents['plan:join']>[1]>[0]>((resolve) =>
    socket.emit('plan:join', planId, resolve),
  );
}

/** Collects every payload of one event, for assertions that poll. */
export function collect<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event as 'comment:created', ((payload: never) => seen.push(payload)) as never);
  return seen;
}
