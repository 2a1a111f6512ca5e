import { planRoom, planTeamRoom, userRoom, type ServerToClientEvents } from '@tandem/shared';
import type { TandemIo } from './socket.ts';

/**
 * How services push live events without knowing Socket.IO. Bound to the
 * server once it exists; with Redis the adapter carries events to every instance.
 */
export type RealtimeHub = {
  toPlan<E extends keyof ServerToClientEvents>(
    planId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  /** To the plan's joined sockets whose role may read its history (not the patient's). */
  toPlanTeam<E extends keyof ServerToClientEvents>(
    planId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  toUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  /** To the sockets in any of `rooms` (conference audiences); each socket gets it once. */
  toRooms<E extends keyof ServerToClientEvents>(
    rooms: string[],
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  bind(io: TandemIo): void;
};

export function createRealtimeHub(): RealtimeHub {
  let io: TandemIo | null = null;
  return {
    toPlan(planId, event, ...args) {
      io?.to(planRoom(planId)).emit(event, ...args);
    },
    toPlanTeam(planId, event, ...args) {
      io?.to(planTeamRoom(planId)).emit(event, ...args);
    },
    toUser(userId, event, ...args) {
      io?.to(userRoom(userId)).emit(event, ...args);
    },
    toRooms(rooms, event, ...args) {
      if (rooms.length > 0) io?.to(rooms).emit(event, ...args);
    },
    bind(server) {
      io = server;
    },
  };
}
