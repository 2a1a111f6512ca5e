import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import {
  planRoom,
  planTeamRoom,
  roleMay,
  sessionRoom,
  userRoom,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { resolveToken } from '../auth/sessions.ts';
import { tokenFromRequest } from '../auth/tokens.ts';
import type { SessionWatch } from '../auth/session-watch.ts';
import { authorizePlan } from '../authz/authorize.ts';
import { AppError } from '../errors.ts';
import { planModel } from '../plans/model.ts';

export type SocketData = { user: AuthUser };
export type TandemIo = SocketServer<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type TandemSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** Socket.IO on the shared HTTP server: authenticated at the handshake, rooms joined through authorize(). */
export function attachSocketIo(ctx: AppContext, http: HttpServer, watch: SessionWatch): TandemIo {
  const io: TandemIo = new SocketServer(http, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    ...(ctx.redis ? { adapter: createAdapter(ctx.redis) } : {}),
  });

  io.use(async (socket, next) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token =
      typeof fromAuth === 'string' && fromAuth ? fromAuth : tokenFromRequest(socket.request);
    const session = token ? await resolveToken(ctx, token).catch(() => null) : null;
    if (!session || session.passwordChangeDue) {
      const code = session ? 'password_change_required' : 'unauthenticated';
      await ctx.audit.record({
        actorId: session?.user.id ?? null,
        actorRole: session?.user.role ?? null,
        action: 'access.denied',
        outcome: 'denied',
        resourceType: 'socket',
        ip: socket.handshake.address,
        details: { reason: code },
      });
      const err = new Error(code) as Error & { data?: unknown };
      err.data = {
        code,
        message: session ? 'Choose your own password first.' : 'Sign in to continue.',
      };
      return next(err);
    }
    socket.data.user = session.user;
    next();
  });

  io.on('connection', (socket: TandemSocket) => {
    const { user } = socket.data;
    void socket.join([userRoom(user.id), sessionRoom(user.sessionId)]);
    const untrack = watch.track(user.sessionId);
    socket.on('disconnect', untrack);

    socket.on('plan:join', async (planId, ack) => {
      if (typeof ack !== 'function') return;
      try {
        if (typeof planId !== 'string') throw new AppError(400, 'validation_failed', 'planId');
        const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, {
          ip: socket.handshake.address,
        });
        // Proposals and other deliberation go to the team part only, as over REST ('plan.history').
        await socket.join(
          roleMay(scope.role, 'plan.history')
            ? [planRoom(planId), planTeamRoom(planId)]
            : planRoom(planId),
        );
        // The live room streams comments and presence about the patient: opening it is a read.
        await ctx.audit.record({
          actorId: user.id,
          actorRole: scope.role,
          action: 'plan.join',
          outcome: 'success',
          resourceType: 'plan',
          resourceId: planId,
          patientId: scope.patientId,
          teamId: scope.teamId,
          ip: socket.handshake.address,
        });
        ack({ ok: true });
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError(500, 'internal_error', 'Failed.');
        ack({ ok: false, error: { code: e.code, message: e.message } });
      }
    });
    socket.on('plan:leave', (planId) => {
      if (typeof planId !== 'string') return;
      void socket.leave(planRoom(planId));
      void socket.leave(planTeamRoom(planId));
    });
  });

  // Only sockets on this instance are closed here; other instances hear the same event through Redis.
  const onEnded = (sessionId: string) => {
    for (const [, s] of io.of('/').sockets) {
      if (s.data.user?.sessionId === sessionId) {
        s.emit('session:ended', { reason: 'session_ended' });
        s.disconnect(true);
      }
    }
  };
  ctx.events.on('session:ended', onEnded);

  // The person's open pages read their access again; someone removed from a team also
  // leaves the live rooms of its plans. On every instance: the adapter relays both.
  const onMembership = async (change: { teamId: string; userId: string; kind: string }) => {
    io.to(userRoom(change.userId)).emit('access:changed', { teamId: change.teamId });
    if (change.kind !== 'removed') return;
    try {
      const plans = await planModel(ctx.conn).find({ teamId: change.teamId }, { _id: 1 }).lean();
      if (plans.length === 0) return;
      io.in(userRoom(change.userId)).socketsLeave(
        plans.flatMap((p) => [planRoom(String(p._id)), planTeamRoom(String(p._id))]),
      );
    } catch (err) {
      ctx.log.warn({ err, teamId: change.teamId }, 'could not remove sockets from plan rooms');
    }
  };
  const onMembershipEvent = (change: { teamId: string; userId: string; kind: string }) =>
    void onMembership(change);
  ctx.events.on('membership:changed', onMembershipEvent);
  io.engine.on('close', () => {
    ctx.events.off('session:ended', onEnded);
    ctx.events.off('membership:changed', onMembershipEvent);
  });

  return io;
}
