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
import { hasBearer, isForeignRequest } from '../http/origin.ts';
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

/** What a refused handshake is told, by the code in its connect_error data. */
const REFUSALS = {
  unauthenticated: 'Sign in to continue.',
  password_change_required: 'Choose your own password first.',
  foreign_origin: 'This connection came from another site and was refused.',
} as const;

/** Socket.IO on the shared HTTP server: authenticated at the handshake, rooms joined through authorize(). */
export function attachSocketIo(ctx: AppContext, http: HttpServer, watch: SessionWatch): TandemIo {
  const io: TandemIo = new SocketServer(http, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    ...(ctx.redis ? { adapter: createAdapter(ctx.redis) } : {}),
  });

  const refuse = async (
    socket: TandemSocket,
    next: (err?: Error) => void,
    code: keyof typeof REFUSALS,
    user: AuthUser | null,
  ) => {
    await ctx.audit.record({
      actorId: user?.id ?? null,
      actorRole: user?.role ?? null,
      action: 'access.denied',
      outcome: 'denied',
      resourceType: 'socket',
      ip: socket.handshake.address,
      details: { reason: code },
    });
    next(Object.assign(new Error(code), { data: { code, message: REFUSALS[code] } }));
  };

  io.use(async (socket, next) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const bearer = typeof fromAuth === 'string' && fromAuth ? fromAuth : null;
    // A page on a sibling subdomain or another port gets our SameSite=Lax cookie sent along with
    // its handshake; a bearer token it cannot know, so only the cookie is held to our origin.
    if (!bearer && !hasBearer(socket.request) && isForeignRequest(socket.request, ctx.config)) {
      return refuse(socket, next, 'foreign_origin', null);
    }
    const token = bearer ?? tokenFromRequest(socket.request);
    const session = token ? await resolveToken(ctx, token).catch(() => null) : null;
    if (!session) return refuse(socket, next, 'unauthenticated', null);
    if (session.passwordChangeDue) {
      return refuse(socket, next, 'password_change_required', session.user);
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
