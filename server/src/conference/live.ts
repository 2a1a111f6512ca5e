import type {
  ConferenceFocus,
  ConferenceParticipant,
  ConferenceView,
  FollowPayload,
  HandPayload,
  NavigatePayload,
  PresenterPayload,
  TimerPayload,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { RequestMeta } from '../authz/authorize.ts';
import { AppError, conflict, forbidden, notFound } from '../errors.ts';
import { attendanceModel, type LiveState, type StoredConference } from './model.ts';
import {
  auditBase,
  canManage,
  findCase,
  isPresenter,
  refuse,
  resolveViewer,
  teamNameOf,
  type Viewer,
} from './access.ts';
import {
  audienceOf,
  audienceRoom,
  audiences,
  focusFor,
  liveFor,
  participantsOf,
  viewFor,
  type Audience,
} from './views.ts';
import { pauseTimer, resetTimer, startTimer } from './timers.ts';
import { unchanged, type StateChange, type StateLog } from './state.ts';
import { unlessEnded, whileLive } from './lifecycle.ts';

/** How often an instance marks its sockets as still present. */
export const PRESENCE_HEARTBEAT_MS = 20_000;
/** Presence not refreshed for this long belongs to an instance that is gone. */
export const PRESENCE_STALE_MS = 3 * PRESENCE_HEARTBEAT_MS;

/** One socket's place in a conference. */
export type Presence = { instanceId: string; sid: string };

/** Who is in the conference now, one entry per person. */
export async function presentParticipants(
  ctx: AppContext,
  conferenceId: string,
): Promise<ConferenceParticipant[]> {
  const since = new Date(ctx.clock.now() - PRESENCE_STALE_MS);
  const rows = await attendanceModel(ctx.conn)
    .find(
      { conferenceId, leftAt: null, seenAt: { $gte: since } },
      { userId: 1, name: 1, role: 1, following: 1, caseId: 1 },
    )
    .lean();
  return participantsOf(rows);
}

/**
 * Sends the state to every audience of the conference, each cut to what it
 * may see. Runs after every change, on whichever instance made it; clients
 * keep the state with the highest seq.
 */
export async function broadcastState(
  ctx: AppContext,
  c: StoredConference,
  state: LiveState,
): Promise<ConferenceParticipant[]> {
  const id = String(c._id);
  const participants = await presentParticipants(ctx, id);
  const now = ctx.clock.now();
  for (const a of audiences(c)) {
    ctx.realtime.toRooms([audienceRoom(id, a)], 'conference:state', {
      conferenceId: id,
      live: liveFor(c, state, participants, a, now),
    });
  }
  return participants;
}

/** Tells the followers of each audience where the presenter went, when it changed for them. */
function sendNavigation(ctx: AppContext, c: StoredConference, before: LiveState, after: LiveState) {
  const id = String(c._id);
  for (const a of audiences(c)) {
    const focus = focusFor(after, a);
    if (a.kind === 'patient' && sameFocus(focus, focusFor(before, a))) continue;
    ctx.realtime.toRooms([audienceRoom(id, a, true)], 'conference:navigate', {
      conferenceId: id,
      seq: after.seq,
      focus,
      presenterId: after.presenter?.id ?? null,
    });
  }
}

function sameFocus(a: ConferenceFocus | null, b: ConferenceFocus | null): boolean {
  return a?.caseId === b?.caseId && a?.section === b?.section;
}

/** Only the presenter (checked again on the state the change applies to). */
function byPresenter(userId: string, change: StateChange): StateChange {
  return whileLive((state, now) => {
    if (state.presenter?.id !== userId) throw forbidden('Only the presenter can do this.');
    return change(state, now);
  });
}

/** The live side of a conference: presence, following, and the presenter's controls. */
export function conferenceLive(ctx: AppContext, log: StateLog) {
  const Attendance = attendanceModel(ctx.conn);

  async function requirePresenter(viewer: Viewer, meta: RequestMeta): Promise<LiveState> {
    const state = await log.latest(viewer.conference);
    if (!isPresenter(viewer, state)) {
      await refuse(ctx, viewer, 'not_presenter', 'Only the presenter can do this.', meta);
    }
    return state;
  }

  /**
   * Applies a presenter's change; the presenter check runs on the state the
   * change lands on (no extra read on the navigation path), and a refusal is
   * audited like every denial.
   */
  async function asPresenter(viewer: Viewer, change: StateChange, meta: RequestMeta) {
    if (viewer.kind !== 'team') {
      await refuse(ctx, viewer, 'not_presenter', 'Only the presenter can do this.', meta);
    }
    try {
      return await log.append(viewer.conference, byPresenter(viewer.user.id, change));
    } catch (err) {
      if (err instanceof AppError && err.status === 403) {
        await refuse(ctx, viewer, 'not_presenter', err.message, meta);
      }
      throw err;
    }
  }

  async function participantsChanged(c: StoredConference, change = unchanged) {
    const { after } = await log.append(c, change);
    return { state: after, participants: await broadcastState(ctx, c, after) };
  }

  return {
    /**
     * Admits a socket: records attendance (following from the start) and
     * answers with the conference as this person may see it. The stay is
     * written before the claim that admits it (lifecycle.ts): an end that wins
     * after the claim closes the stay, and a join that loses deletes it.
     */
    async join(
      user: AuthUser,
      conferenceId: string,
      presence: Presence,
      meta: RequestMeta,
    ): Promise<{ viewer: Viewer; view: ConferenceView; audience: Audience }> {
      const viewer = await resolveViewer(ctx, user, conferenceId, 'conference.attend', meta);
      // Early refusal only (an end is final); the claim below admits.
      if (viewer.conference.status === 'ended') {
        throw conflict('conference_ended', 'This conference has ended.');
      }
      const now = new Date(ctx.clock.now());
      const stay = await Attendance.create({
        conferenceId,
        sid: presence.sid,
        instanceId: presence.instanceId,
        userId: user.id,
        name: user.name,
        role: viewer.role,
        caseId: viewer.kind === 'patient' ? viewer.caseId : null,
        following: true,
        joinedAt: now,
        leftAt: null,
        seenAt: now,
      });
      const { state, participants } = await participantsChanged(
        viewer.conference,
        unlessEnded(unchanged),
      ).catch(async (err: unknown) => {
        await Attendance.deleteOne({ _id: stay._id });
        throw err;
      });
      await ctx.audit.record({ ...auditBase(viewer, meta), action: 'conference.join' });
      return {
        viewer,
        view: viewFor(viewer, state, teamNameOf(viewer), participants, ctx.clock.now()),
        audience: audienceOf(viewer),
      };
    },

    /** Whether the user may still be in the conference (after a refusal, their access may be gone). */
    async mayAttend(user: AuthUser, conferenceId: string): Promise<boolean> {
      try {
        await resolveViewer(ctx, user, conferenceId, 'conference.attend', {});
        return true;
      } catch {
        return false;
      }
    },

    /** The current state as this viewer's audience sees it (a socket catching up after joining). */
    async stateFor(viewer: Viewer) {
      const state = await log.latest(viewer.conference);
      const participants = await presentParticipants(ctx, String(viewer.conference._id));
      return liveFor(viewer.conference, state, participants, audienceOf(viewer), ctx.clock.now());
    },

    /** Records that a socket left (or was disconnected) and tells the others. */
    async leave(c: StoredConference, presence: Presence): Promise<void> {
      const res = await Attendance.updateMany(
        { conferenceId: c._id, sid: presence.sid, leftAt: null },
        { $set: { leftAt: new Date(ctx.clock.now()) } },
      );
      if (res.modifiedCount > 0) await participantsChanged(c);
    },

    /** Someone lost access (removed from the team): their stays end now, for everyone to see. */
    async removeUser(c: StoredConference, userId: string): Promise<void> {
      const res = await Attendance.updateMany(
        { conferenceId: c._id, userId, leftAt: null },
        { $set: { leftAt: new Date(ctx.clock.now()) } },
      );
      if (res.modifiedCount > 0) await participantsChanged(c);
    },

    /** Marks this instance's sockets as still here. */
    async heartbeat(instanceId: string): Promise<void> {
      await Attendance.updateMany(
        { instanceId, leftAt: null },
        { $set: { seenAt: new Date(ctx.clock.now()) } },
      );
    },

    /** Stops or resumes following; answers with where the presenter is, for a resume. */
    async follow(
      user: AuthUser,
      { conferenceId, following }: FollowPayload,
      presence: Presence,
      meta: RequestMeta,
    ): Promise<{ audience: Audience; focus: ConferenceFocus | null }> {
      const viewer = await resolveViewer(ctx, user, conferenceId, 'conference.attend', meta);
      await Attendance.updateMany(
        { conferenceId, sid: presence.sid, leftAt: null },
        { $set: { following } },
      );
      const { state } = await participantsChanged(viewer.conference);
      return { audience: audienceOf(viewer), focus: focusFor(state, audienceOf(viewer)) };
    },

    async navigate(user: AuthUser, p: NavigatePayload, meta: RequestMeta): Promise<void> {
      const viewer = await resolveViewer(ctx, user, p.conferenceId, 'conference.attend', meta);
      const c = viewer.conference;
      if (!findCase(c, p.caseId)) throw notFound('No such case in this conference.');
      const { before, after } = await asPresenter(
        viewer,
        (state) => ({ ...state, focus: { caseId: p.caseId, section: p.section } }),
        meta,
      );
      // Followers first: they are the ones waiting on a navigation.
      sendNavigation(ctx, c, before, after);
      await broadcastState(ctx, c, after);
      await ctx.audit.record({
        ...auditBase(viewer, meta),
        action: 'conference.navigate',
        details: { caseId: p.caseId, section: p.section },
      });
    },

    async timer(user: AuthUser, p: TimerPayload, meta: RequestMeta): Promise<void> {
      const viewer = await resolveViewer(ctx, user, p.conferenceId, 'conference.attend', meta);
      const c = viewer.conference;
      if (!findCase(c, p.caseId)) throw notFound('No such case in this conference.');
      const { after } = await asPresenter(
        viewer,
        (state, now) => ({
          ...state,
          timers:
            p.action === 'start'
              ? startTimer(state.timers, p.caseId, now)
              : p.action === 'pause'
                ? pauseTimer(state.timers, p.caseId, now)
                : resetTimer(state.timers, p.caseId),
        }),
        meta,
      );
      await broadcastState(ctx, c, after);
    },

    /** Raises or lowers one's own hand; the presenter may lower anyone's. */
    async hand(user: AuthUser, p: HandPayload, meta: RequestMeta): Promise<void> {
      const viewer = await resolveViewer(ctx, user, p.conferenceId, 'conference.attend', meta);
      const target = p.userId ?? user.id;
      if (target !== user.id) {
        if (p.raised) {
          await refuse(ctx, viewer, 'not_own_hand', 'Raise your own hand only.', meta);
        }
        await requirePresenter(viewer, meta);
      }
      const change: StateChange = (state, now) => {
        const others = state.hands.filter((h) => h.userId !== target);
        if (!p.raised) return { ...state, hands: others };
        if (state.hands.some((h) => h.userId === target)) return state;
        return {
          ...state,
          hands: [
            ...others,
            { userId: user.id, name: user.name, role: viewer.role, raisedAt: now },
          ],
        };
      };
      const { after } = await log.append(
        viewer.conference,
        target === user.id ? whileLive(change) : byPresenter(user.id, change),
      );
      await broadcastState(ctx, viewer.conference, after);
    },

    /** The presenter passes the role to a team member who is here; a coordinator may take it. */
    async presenter(user: AuthUser, p: PresenterPayload, meta: RequestMeta): Promise<void> {
      const viewer = await resolveViewer(ctx, user, p.conferenceId, 'conference.attend', meta);
      const takingOver = p.userId === user.id && canManage(viewer);
      if (!takingOver) await requirePresenter(viewer, meta);
      const present = await Attendance.findOne({
        conferenceId: p.conferenceId,
        userId: p.userId,
        leftAt: null,
        role: { $ne: 'patient' },
      }).lean();
      if (!present && !takingOver) {
        throw conflict('not_present', 'The presenter role goes to a team member who is here.');
      }
      const to = { id: p.userId, name: takingOver ? user.name : present!.name };
      const change: StateChange = (state) => ({ ...state, presenter: to });
      const { after } = await log.append(
        viewer.conference,
        takingOver ? whileLive(change) : byPresenter(user.id, change),
      );
      await broadcastState(ctx, viewer.conference, after);
      await ctx.audit.record({
        ...auditBase(viewer, meta),
        action: 'conference.presenter',
        details: { to: p.userId },
      });
    },
  };
}

export type ConferenceLiveService = ReturnType<typeof conferenceLive>;
