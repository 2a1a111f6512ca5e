import * as Y from 'yjs';
import {
  conferenceDocName,
  MINUTES_TEXT,
  timerElapsedMs,
  type AttendanceEntry,
  type ConferenceMinutes,
  type ConferenceStatus,
} from '@tandem/shared';
import type { Types } from 'mongoose';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { RequestMeta } from '../authz/authorize.ts';
import { mongoCollabStore } from '../collab/persistence/mongo-store.ts';
import {
  actionItemModel,
  attendanceModel,
  conferenceDecisionModel,
  type ActionItemDoc,
  type DecisionDoc,
  type LiveState,
  type StoredConference,
} from './model.ts';
import { auditBase, resolveViewer, teamNameOf, visibleCases, type Viewer } from './access.ts';
import { actionItemDto, decisionDto, decisionFor } from './records.ts';
import { summarizeAttendance } from './attendance.ts';
import { renderMinutesMarkdown } from './markdown.ts';
import type { StateLog } from './state.ts';

/** The discussion typed into a case's minutes document, as stored. */
async function discussionOf(ctx: AppContext, conferenceId: string, caseId: string) {
  const loaded = await mongoCollabStore(ctx.conn).load(conferenceDocName(conferenceId, caseId));
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const u of loaded.updates) Y.applyUpdate(doc, u);
  });
  const text = doc.getText(MINUTES_TEXT).toString();
  doc.destroy();
  return text;
}

async function attendanceOf(
  ctx: AppContext,
  viewer: Viewer,
  c: StoredConference,
): Promise<AttendanceEntry[]> {
  if (!c.startedAt) return [];
  const rows = await attendanceModel(ctx.conn)
    .find({ conferenceId: c._id }, { userId: 1, name: 1, role: 1, joinedAt: 1, leftAt: 1 })
    .sort({ joinedAt: 1 })
    .lean();
  const entries = summarizeAttendance(
    rows.map((r) => ({ ...r, userId: String(r.userId), leftAt: r.leftAt ?? null })),
    { from: c.startedAt, to: c.endedAt ?? new Date(ctx.clock.now()) },
  );
  // A patient's minutes name the team and themself, never another patient.
  return viewer.kind === 'team'
    ? entries
    : entries.filter((e) => e.role !== 'patient' || e.userId === viewer.user.id);
}

/**
 * Minutes of a conference as this viewer may read them: a patient's hold their
 * own case only, and its decisions without the medication proposals.
 */
export async function buildMinutes(
  ctx: AppContext,
  viewer: Viewer,
  state: LiveState,
): Promise<ConferenceMinutes> {
  const c = viewer.conference;
  const id = String(c._id);
  const cases = visibleCases(viewer);
  const caseIds = cases.map((k) => String(k._id));
  const [decisions, items, attendance] = await Promise.all([
    conferenceDecisionModel(ctx.conn)
      .find({ conferenceId: c._id, caseId: { $in: caseIds } })
      .sort({ createdAt: 1 })
      .lean<(DecisionDoc & { _id: Types.ObjectId })[]>(),
    actionItemModel(ctx.conn)
      .find({ conferenceId: c._id, caseId: { $in: caseIds } })
      .sort({ createdAt: 1 })
      .lean<(ActionItemDoc & { _id: Types.ObjectId })[]>(),
    attendanceOf(ctx, viewer, c),
  ]);
  const at = (c.endedAt ?? new Date(ctx.clock.now())).getTime();
  const all = c.cases.map((k) => String(k._id));
  return {
    conferenceId: id,
    title: c.title,
    team: { id: String(c.teamId), name: teamNameOf(viewer) },
    scheduledAt: c.scheduledAt.toISOString(),
    status: c.status as ConferenceStatus,
    startedAt: c.startedAt ? c.startedAt.toISOString() : null,
    endedAt: c.endedAt ? c.endedAt.toISOString() : null,
    attendance,
    cases: await Promise.all(
      cases.map(async (k) => {
        const caseId = String(k._id);
        const timer = state.timers.find((t) => t.caseId === caseId);
        return {
          caseId,
          position: all.indexOf(caseId) + 1,
          patient: { id: String(k.patientId), name: k.patientName },
          planId: String(k.planId),
          reason: k.reason,
          timeBoxMinutes: k.timeBoxMinutes,
          timeUsedMs: timer
            ? timerElapsedMs(
                {
                  caseId,
                  elapsedMs: timer.elapsedMs,
                  startedAt: timer.startedAt ? timer.startedAt.toISOString() : null,
                },
                at,
              )
            : 0,
          discussion: await discussionOf(ctx, id, caseId),
          decisions: decisions
            .filter((d) => d.caseId === caseId)
            .map((d) => decisionFor(decisionDto(d), viewer.kind)),
          actionItems: items.filter((a) => a.caseId === caseId).map(actionItemDto),
        };
      }),
    ),
  };
}

export function conferenceMinutes(ctx: AppContext, log: StateLog) {
  async function load(
    user: AuthUser,
    conferenceId: string,
    format: 'json' | 'markdown',
    meta: RequestMeta,
  ) {
    const viewer = await resolveViewer(ctx, user, conferenceId, 'conference.attend', meta);
    const minutes = await buildMinutes(ctx, viewer, await log.latest(viewer.conference));
    const action = format === 'markdown' ? 'conference.minutes.export' : 'conference.minutes.read';
    const cases = visibleCases(viewer);
    // A record per case, naming its patient: each patient's access log shows the minutes.
    await Promise.all(
      cases.map((k) =>
        ctx.audit.record({
          ...auditBase(viewer, meta),
          action,
          patientId: String(k.patientId),
          details: { format, caseId: String(k._id) },
        }),
      ),
    );
    if (cases.length === 0) {
      await ctx.audit.record({ ...auditBase(viewer, meta), action, details: { format, cases: 0 } });
    }
    return minutes;
  }
  return {
    json: (user: AuthUser, conferenceId: string, meta: RequestMeta) =>
      load(user, conferenceId, 'json', meta),
    async markdown(user: AuthUser, conferenceId: string, meta: RequestMeta) {
      return renderMinutesMarkdown(await load(user, conferenceId, 'markdown', meta));
    },
    async attendance(user: AuthUser, conferenceId: string, meta: RequestMeta) {
      const viewer = await resolveViewer(ctx, user, conferenceId, 'conference.attend', meta);
      await ctx.audit.record({ ...auditBase(viewer, meta), action: 'conference.attendance.read' });
      return attendanceOf(ctx, viewer, viewer.conference);
    },
  };
}
