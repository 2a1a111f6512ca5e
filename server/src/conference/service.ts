import { Types } from 'mongoose';
import type { z } from 'zod';
import type {
  ConferenceSummary,
  ConferenceView,
  CreateConferenceRequest,
  UpdateConferenceRequest,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizeTeam, type RequestMeta } from '../authz/authorize.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { planModel } from '../plans/model.ts';
import { patientModel } from '../patients/model.ts';
import { teamModel } from '../teams/model.ts';
import {
  attendanceModel,
  conferenceModel,
  type LiveState,
  type StoredCase,
  type StoredConference,
} from './model.ts';
import {
  auditBase,
  canManage,
  isPresenter,
  refuse,
  resolveViewer,
  teamNameOf,
  type TeamViewer,
  type Viewer,
} from './access.ts';
import { broadcastState, presentParticipants, PRESENCE_STALE_MS } from './live.ts';
import { initialState, type StateLog } from './state.ts';
import { deleteScheduled, onScheduled, whileLive } from './lifecycle.ts';
import { summaryFor, viewFor } from './views.ts';
import { pauseAll } from './timers.ts';

export type CreateInput = z.output<typeof CreateConferenceRequest>;
export type UpdateInput = z.output<typeof UpdateConferenceRequest>;
type AgendaInput = CreateInput['cases'];

/** Resolves each agenda entry to its plan and patient; every plan must be the team's. */
async function buildCases(
  ctx: AppContext,
  teamId: string,
  agenda: AgendaInput,
  existing: StoredCase[] = [],
) {
  const plans = await planModel(ctx.conn)
    .find({ _id: { $in: agenda.map((c) => c.planId) }, teamId })
    .lean();
  if (plans.length !== agenda.length) {
    throw badRequest('Every case must be a plan of this care team.');
  }
  const patients = await patientModel(ctx.conn)
    .find({ _id: { $in: plans.map((p) => p.patientId) } })
    .lean();
  const planById = new Map(plans.map((p) => [String(p._id), p]));
  const patientById = new Map(patients.map((p) => [String(p._id), p]));
  return agenda.map((c) => {
    const plan = planById.get(c.planId)!;
    const patient = patientById.get(String(plan.patientId));
    if (!patient) throw badRequest('A case on the agenda has no patient record.');
    // A case keeps its id across agenda edits, and with it its minutes document.
    const kept = existing.find((k) => String(k.planId) === c.planId);
    return {
      _id: kept?._id ?? new Types.ObjectId(),
      planId: plan._id,
      patientId: patient._id,
      patientUserId: patient.userId,
      patientName: patient.name,
      reason: c.reason,
      timeBoxMinutes: c.timeBoxMinutes,
      patientInvited: c.patientInvited,
    };
  });
}

function denormalised(cases: Awaited<ReturnType<typeof buildCases>>) {
  return {
    cases,
    planIds: cases.map((c) => c.planId),
    invitedUserIds: cases.filter((c) => c.patientInvited).map((c) => c.patientUserId),
  };
}

async function requireManager(ctx: AppContext, viewer: Viewer, meta: RequestMeta) {
  if (!canManage(viewer)) {
    await refuse(ctx, viewer, 'role', 'Only a care coordinator can change the conference.', meta);
  }
  return viewer as TeamViewer;
}

export function conferenceService(ctx: AppContext, log: StateLog) {
  const Conferences = conferenceModel(ctx.conn);
  const Attendance = attendanceModel(ctx.conn);

  async function viewOf(viewer: Viewer, state?: LiveState): Promise<ConferenceView> {
    const participants = await presentParticipants(ctx, String(viewer.conference._id));
    return viewFor(
      viewer,
      state ?? (await log.latest(viewer.conference)),
      teamNameOf(viewer),
      participants,
      ctx.clock.now(),
    );
  }

  return {
    async create(user: AuthUser, body: CreateInput, meta: RequestMeta) {
      const scope = await authorizeTeam(
        ctx,
        user,
        { action: 'conference.manage' },
        body.teamId,
        meta,
      );
      const cases = await buildCases(ctx, body.teamId, body.cases);
      const created = await Conferences.create({
        teamId: body.teamId,
        title: body.title,
        scheduledAt: new Date(body.scheduledAt),
        durationMinutes: body.durationMinutes,
        createdBy: { id: user.id, name: user.name },
        ...denormalised(cases),
      });
      const c = created.toObject() as StoredConference;
      const viewer: Viewer = { kind: 'team', user, role: 'coordinator', scope, conference: c };
      await ctx.audit.record({
        ...auditBase(viewer, meta),
        action: 'conference.create',
        details: { cases: cases.length },
      });
      return viewFor(viewer, initialState(c), scope.teamName, [], ctx.clock.now());
    },

    /** The caller's conferences: their teams' for clinicians, their invitations for a patient. */
    async list(
      user: AuthUser,
      when: 'upcoming' | 'past' | 'all',
      meta: RequestMeta,
    ): Promise<ConferenceSummary[]> {
      const statuses =
        when === 'upcoming' ? ['scheduled', 'live'] : when === 'past' ? ['ended'] : undefined;
      const teams =
        user.role === 'patient'
          ? []
          : await teamModel(ctx.conn).find({ 'members.userId': user.id }, { name: 1 }).lean();
      const filter =
        user.role === 'patient'
          ? { invitedUserIds: user.id }
          : { teamId: { $in: teams.map((t) => t._id) } };
      const rows = await Conferences.find({
        ...filter,
        ...(statuses ? { status: { $in: statuses } } : {}),
      })
        .sort({ scheduledAt: when === 'past' ? -1 : 1 })
        .limit(200)
        .lean<StoredConference[]>();
      const teamNames = new Map(teams.map((t) => [String(t._id), t.name]));
      if (user.role === 'patient' && rows.length > 0) {
        const own = await teamModel(ctx.conn)
          .find({ _id: { $in: rows.map((r) => r.teamId) } }, { name: 1 })
          .lean();
        for (const t of own) teamNames.set(String(t._id), t.name);
      }
      await ctx.audit.record({
        actorId: user.id,
        actorRole: user.role,
        action: 'conference.list',
        outcome: 'success',
        resourceType: 'conference',
        requestId: meta.requestId ?? null,
        ip: meta.ip ?? null,
        details: { count: rows.length },
      });
      return rows
        .filter(
          (c) =>
            user.role !== 'patient' ||
            (c.cases as StoredCase[]).some(
              (k) => k.patientInvited && String(k.patientUserId) === user.id,
            ),
        )
        .map((c) =>
          summaryFor(
            c,
            teamNames.get(String(c.teamId)) ?? '',
            user.role === 'patient' ? user.id : null,
          ),
        );
    },

    async get(user: AuthUser, conferenceId: string, meta: RequestMeta): Promise<ConferenceView> {
      const viewer = await resolveViewer(ctx, user, conferenceId, 'conference.attend', meta);
      await ctx.audit.record({ ...auditBase(viewer, meta), action: 'conference.read' });
      return viewOf(viewer);
    },

    /** Changes a conference that has not started; `cases` replaces the agenda. */
    async update(
      user: AuthUser,
      conferenceId: string,
      body: UpdateInput,
      meta: RequestMeta,
    ): Promise<ConferenceView> {
      const viewer = await requireManager(
        ctx,
        await resolveViewer(ctx, user, conferenceId, 'conference.manage', meta),
        meta,
      );
      const c = viewer.conference;
      // Early refusal only (it never becomes scheduled again); the guarded write decides.
      if (c.status !== 'scheduled') {
        throw conflict('conference_started', 'Only a conference that has not started can change.');
      }
      const set: Record<string, unknown> = {};
      if (body.title !== undefined) set.title = body.title;
      if (body.scheduledAt !== undefined) set.scheduledAt = new Date(body.scheduledAt);
      if (body.durationMinutes !== undefined) set.durationMinutes = body.durationMinutes;
      if (body.cases) {
        Object.assign(
          set,
          denormalised(
            await buildCases(ctx, String(c.teamId), body.cases, c.cases as StoredCase[]),
          ),
        );
      }
      const updated = await onScheduled(ctx, c, set, {
        code: 'conference_started',
        message: 'The conference has started meanwhile.',
      });
      await ctx.audit.record({
        ...auditBase(viewer, meta),
        action: 'conference.update',
        details: { fields: Object.keys(set) },
      });
      return viewOf({ ...viewer, conference: updated });
    },

    async remove(user: AuthUser, conferenceId: string, meta: RequestMeta): Promise<void> {
      const viewer = await requireManager(
        ctx,
        await resolveViewer(ctx, user, conferenceId, 'conference.manage', meta),
        meta,
      );
      const c = viewer.conference;
      await deleteScheduled(ctx, c, {
        code: 'conference_started',
        message: 'A conference that has started stays on record.',
      });
      // The waiting room's traces go with it; a join landing after this takes its own back.
      await log.forget(c);
      await Attendance.deleteMany({ conferenceId: c._id });
      await ctx.audit.record({ ...auditBase(viewer, meta), action: 'conference.delete' });
    },

    /**
     * Scheduled → live, decided on the document (lifecycle.ts). Whoever starts it
     * presents, from the first case of the agenda it flipped.
     */
    async start(user: AuthUser, conferenceId: string, meta: RequestMeta): Promise<ConferenceView> {
      const viewer = await requireManager(
        ctx,
        await resolveViewer(ctx, user, conferenceId, 'conference.manage', meta),
        meta,
      );
      const started = await onScheduled(
        ctx,
        viewer.conference,
        { status: 'live', startedAt: new Date(ctx.clock.now()) },
        { code: 'conference_not_scheduled', message: 'This conference already started.' },
      );
      const first = (started.cases as StoredCase[])[0];
      // Only this start gets here, so the log is still scheduled: no check to lose.
      const { after } = await log.append(started, () => ({
        status: 'live',
        focus: first ? { caseId: String(first._id), section: 'overview' } : null,
        presenter: { id: user.id, name: user.name },
        timers: [],
        hands: [],
      }));
      await ctx.audit.record({ ...auditBase(viewer, meta), action: 'conference.start' });
      const fresh: Viewer = { ...viewer, conference: started };
      await broadcastState(ctx, started, after);
      return viewOf(fresh, after);
    },

    /**
     * Live → ended, decided in the state log (lifecycle.ts), by the presenter or a
     * coordinator: timers stop, then the document takes the status and attendance closes.
     */
    async end(user: AuthUser, conferenceId: string, meta: RequestMeta): Promise<ConferenceView> {
      const viewer = await resolveViewer(ctx, user, conferenceId, 'conference.attend', meta);
      const current = await log.latest(viewer.conference);
      if (!(isPresenter(viewer, current) || canManage(viewer))) {
        await refuse(
          ctx,
          viewer,
          'not_presenter',
          'Only the presenter or a coordinator ends it.',
          meta,
        );
      }
      const { after } = await log.append(
        viewer.conference,
        whileLive((state, now) => ({
          ...state,
          status: 'ended',
          timers: pauseAll(state.timers, now),
          hands: [],
        })),
      );
      const endedAt = new Date(ctx.clock.now());
      // A live conference cannot be deleted, so the copy always finds it.
      const ended = await Conferences.findOneAndUpdate(
        { _id: viewer.conference._id },
        { $set: { status: 'ended', endedAt, endedBy: { id: user.id, name: user.name } } },
        { new: true },
      ).lean<StoredConference>();
      if (!ended) throw notFound('No such conference.');
      const fresh: Viewer = { ...viewer, conference: ended };
      await closeAttendance(ended, endedAt);
      ctx.events.emit('conference:ended', conferenceId);
      await ctx.audit.record({ ...auditBase(viewer, meta), action: 'conference.end' });
      await broadcastState(ctx, fresh.conference, after);
      return viewOf(fresh, after);
    },
  };

  /**
   * Everyone still present leaves when the conference ends; a stay whose
   * instance stopped refreshing it ends when it was last seen. Runs after the
   * end won in the log, so it finds every join admitted before (live.ts).
   */
  async function closeAttendance(c: StoredConference, endedAt: Date) {
    const open = await Attendance.find({ conferenceId: c._id, leftAt: null }).lean();
    for (const row of open) {
      const stale = endedAt.getTime() - row.seenAt.getTime() > PRESENCE_STALE_MS;
      await Attendance.updateOne(
        { _id: row._id, leftAt: null },
        { $set: { leftAt: stale ? row.seenAt : endedAt } },
      );
    }
  }
}

export type ConferenceService = ReturnType<typeof conferenceService>;
