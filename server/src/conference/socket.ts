import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  FollowPayload,
  HandPayload,
  JoinConferencePayload,
  NavigatePayload,
  PresenterPayload,
  TimerPayload,
  userRoom,
  type Ack,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { TandemIo, TandemSocket } from '../realtime/socket.ts';
import { AppError, badRequest, conflict } from '../errors.ts';
import { teamModel } from '../teams/model.ts';
import { conferenceModel, type StoredConference } from './model.ts';
import { audienceRoom, audiences, type Audience } from './views.ts';
import { PRESENCE_HEARTBEAT_MS } from './live.ts';
import type { ConferenceEngine } from './engine.ts';

type Joined = { conference: StoredConference; audience: Audience };

/** Server-to-server (adapter) event: a conference ended on another instance. */
const CONFERENCE_ENDED = 'conference:ended';

/**
 * Live control of conferences over the shared Socket.IO server. A socket
 * joins a conference's room for its audience (the care team, or one
 * invited patient's case) and its follow room; every event is validated,
 * must come from a joined socket, and is authorized again by the service.
 */
export function attachConferenceSocket(ctx: AppContext, io: TandemIo, engine: ConferenceEngine) {
  const instanceId = randomBytes(8).toString('hex');
  const log = ctx.log.child({ module: 'conference' });
  const { live } = engine;

  io.on('connection', (socket: TandemSocket) => {
    const { user } = socket.data;
    const presence = { instanceId, sid: socket.id };
    const meta = { ip: socket.handshake.address };
    const joined = new Map<string, Joined>();

    const roomsOf = (id: string, a: Audience) => [audienceRoom(id, a), audienceRoom(id, a, true)];

    async function leave(id: string) {
      const j = joined.get(id);
      if (!j) return;
      joined.delete(id);
      await socket.leave(audienceRoom(id, j.audience));
      await socket.leave(audienceRoom(id, j.audience, true));
      await live.leave(j.conference, presence);
    }

    /**
     * One handler shape for every client event: parse the payload, require
     * a joined conference where asked, answer through the ack. A socket
     * whose access is gone (removed from the team) is taken out of the conference.
     */
    function handle<S extends z.ZodType<{ conferenceId: string }>, T>(
      event: string,
      schema: S,
      opts: { joined: boolean },
      run: (payload: z.output<S>) => Promise<T>,
    ) {
      (socket as unknown as { on(e: string, fn: (p: unknown, ack?: Ack<T>) => void): void }).on(
        event,
        (raw, ack) => {
          const reply: Ack<T> = typeof ack === 'function' ? ack : () => {};
          void (async () => {
            const parsed = schema.safeParse(raw);
            let conferenceId: string | null = null;
            try {
              if (!parsed.success) throw badRequest('The message is malformed.');
              conferenceId = parsed.data.conferenceId;
              if (opts.joined && !joined.has(conferenceId)) {
                throw conflict('not_joined', 'Join the conference first.');
              }
              reply({ ok: true, data: await run(parsed.data) });
            } catch (err) {
              const e =
                err instanceof AppError ? err : new AppError(500, 'internal_error', 'Failed.');
              if (!(err instanceof AppError)) {
                log.error({ err: String(err), event, userId: user.id }, 'conference event failed');
              }
              if (e.status === 403 && conferenceId && joined.has(conferenceId)) {
                if (!(await live.mayAttend(user, conferenceId))) {
                  await leave(conferenceId).catch(() => {});
                }
              }
              reply({ ok: false, error: { code: e.code, message: e.message } });
            }
          })();
        },
      );
    }

    handle('conference:join', JoinConferencePayload, { joined: false }, async (p) => {
      await leave(p.conferenceId);
      const { view, viewer, audience } = await live.join(user, p.conferenceId, presence, meta);
      joined.set(p.conferenceId, { conference: viewer.conference, audience });
      await socket.join(roomsOf(p.conferenceId, audience));
      // Anything broadcast between the answer being built and the rooms being joined.
      const latest = await live.stateFor(viewer);
      if (latest.seq > view.live.seq) {
        socket.emit('conference:state', { conferenceId: p.conferenceId, live: latest });
      }
      return view;
    });

    handle('conference:leave', JoinConferencePayload, { joined: false }, (p) =>
      leave(p.conferenceId),
    );

    handle('conference:follow', FollowPayload, { joined: true }, async (p) => {
      const { audience, focus } = await live.follow(user, p, presence, meta);
      const room = audienceRoom(p.conferenceId, audience, true);
      if (p.following) await socket.join(room);
      else await socket.leave(room);
      return { focus };
    });

    handle('conference:navigate', NavigatePayload, { joined: true }, (p) =>
      live.navigate(user, p, meta),
    );
    handle('conference:timer', TimerPayload, { joined: true }, (p) => live.timer(user, p, meta));
    handle('conference:hand', HandPayload, { joined: true }, (p) => live.hand(user, p, meta));
    handle('conference:presenter', PresenterPayload, { joined: true }, (p) =>
      live.presenter(user, p, meta),
    );

    socket.on('disconnect', () => {
      for (const id of [...joined.keys()]) {
        void leave(id).catch((err: unknown) =>
          log.warn({ err: String(err), conferenceId: id }, 'could not record leaving'),
        );
      }
    });
  });

  const heartbeat = setInterval(() => {
    live.heartbeat(instanceId).catch((err: unknown) => {
      log.warn({ err: String(err) }, 'conference presence heartbeat failed');
    });
  }, PRESENCE_HEARTBEAT_MS);
  heartbeat.unref();

  // Someone removed from a team leaves its open conferences, on every instance (the adapter relays).
  const onMembership = async (change: { teamId: string; userId: string; kind: string }) => {
    if (change.kind !== 'removed') return;
    const open = await conferenceModel(ctx.conn)
      .find({ teamId: change.teamId, status: { $in: ['scheduled', 'live'] } })
      .lean<StoredConference[]>();
    for (const c of open) {
      const id = String(c._id);
      io.in(userRoom(change.userId)).socketsLeave(
        audiences(c).flatMap((a) => [audienceRoom(id, a), audienceRoom(id, a, true)]),
      );
      await live.removeUser(c, change.userId);
    }
  };
  const onMembershipEvent = (change: { teamId: string; userId: string; kind: string }) =>
    void onMembership(change).catch((err: unknown) =>
      log.warn({ err: String(err), teamId: change.teamId }, 'could not remove from conferences'),
    );
  ctx.events.on('membership:changed', onMembershipEvent);

  // The minutes become read-only when a conference ends: the open /collab connections of its
  // team (the only writers) re-check their access, here and, through the adapter, on the others.
  const recheckWriters = async (conferenceId: string) => {
    const c = await conferenceModel(ctx.conn).findById(conferenceId, { teamId: 1 }).lean();
    const team = c ? await teamModel(ctx.conn).findById(c.teamId, { members: 1 }).lean() : null;
    for (const m of team?.members ?? []) ctx.events.emit('access:recheck', String(m.userId));
  };
  const recheck = (conferenceId: string) =>
    void recheckWriters(conferenceId).catch((err: unknown) =>
      log.warn({ err: String(err), conferenceId }, 'could not re-check minutes access'),
    );
  const peers = io as unknown as {
    serverSideEmit(event: string, conferenceId: string): void;
    on(event: string, fn: (conferenceId: string) => void): void;
  };
  const onEnded = (conferenceId: string) => {
    recheck(conferenceId);
    if (ctx.redis) peers.serverSideEmit(CONFERENCE_ENDED, conferenceId);
  };
  peers.on(CONFERENCE_ENDED, (conferenceId) => {
    if (typeof conferenceId === 'string') recheck(conferenceId);
  });
  ctx.events.on('conference:ended', onEnded);

  io.engine.on('close', () => {
    clearInterval(heartbeat);
    ctx.events.off('membership:changed', onMembershipEvent);
    ctx.events.off('conference:ended', onEnded);
  });
}
