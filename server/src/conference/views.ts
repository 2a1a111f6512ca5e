import {
  conferenceDocName,
  conferenceRooms,
  type ConferenceCase,
  type ConferenceLive,
  type ConferenceParticipant,
  type ConferenceStatus,
  type ConferenceSummary,
  type ConferenceView,
  type Role,
} from '@tandem/shared';
import type { AttendanceDoc, LiveState, StoredCase, StoredConference } from './model.ts';
import { canManage, canRecord, type Viewer } from './access.ts';

/**
 * Who receives a payload. Each audience has its own Socket.IO room, and
 * everything sent to a patient's audience is cut down to their own case.
 */
export type Audience = { kind: 'team' } | { kind: 'patient'; caseId: string; userId: string };

export function audienceOf(viewer: Viewer): Audience {
  return viewer.kind === 'team'
    ? { kind: 'team' }
    : { kind: 'patient', caseId: viewer.caseId, userId: viewer.user.id };
}

export function audienceRoom(conferenceId: string, a: Audience, follow = false): string {
  if (a.kind === 'team') {
    return follow ? conferenceRooms.teamFollow(conferenceId) : conferenceRooms.team(conferenceId);
  }
  return follow
    ? conferenceRooms.patientFollow(conferenceId, a.caseId)
    : conferenceRooms.patient(conferenceId, a.caseId);
}

/** Every audience of a conference: the team, and each invited patient's case. */
export function audiences(c: StoredConference): Audience[] {
  const out: Audience[] = [{ kind: 'team' }];
  for (const k of c.cases as StoredCase[]) {
    if (k.patientInvited) {
      out.push({ kind: 'patient', caseId: String(k._id), userId: String(k.patientUserId) });
    }
  }
  return out;
}

export type PresenceRow = Pick<AttendanceDoc, 'userId' | 'name' | 'role' | 'following' | 'caseId'>;

/** Present people, one entry per person however many tabs they have open. */
export function participantsOf(rows: PresenceRow[]): ConferenceParticipant[] {
  const byUser = new Map<string, ConferenceParticipant>();
  for (const r of rows) {
    const id = String(r.userId);
    const p = byUser.get(id);
    if (p) {
      p.connections++;
      p.following ||= r.following;
    } else {
      byUser.set(id, {
        userId: id,
        name: r.name,
        role: r.role as Role,
        following: r.following,
        connections: 1,
      });
    }
  }
  return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** What an audience may know of someone: a patient sees the team and themself, no other patient. */
function visibleTo(a: Audience, person: { userId: string; role: string }): boolean {
  return a.kind === 'team' || person.role !== 'patient' || person.userId === a.userId;
}

/** Where the presenter is, as an audience may know it: a patient only within their own case. */
export function focusFor(state: LiveState, a: Audience): ConferenceLive['focus'] {
  const focus = state.focus;
  if (!focus || (a.kind === 'patient' && focus.caseId !== a.caseId)) return null;
  return { caseId: focus.caseId, section: focus.section };
}

export function liveFor(
  c: StoredConference,
  state: LiveState,
  participants: ConferenceParticipant[],
  a: Audience,
  nowMs: number,
): ConferenceLive {
  const ownCase = (caseId: string) => a.kind === 'team' || caseId === a.caseId;
  return {
    seq: state.seq,
    status: state.status,
    focus: focusFor(state, a),
    presenter: state.presenter ? { id: state.presenter.id, name: state.presenter.name } : null,
    timers: state.timers
      .filter((t) => ownCase(t.caseId))
      .map((t) => ({
        caseId: t.caseId,
        elapsedMs: t.elapsedMs,
        startedAt: t.startedAt ? t.startedAt.toISOString() : null,
      })),
    hands: state.hands
      .filter((h) => visibleTo(a, h))
      .map((h) => ({ userId: h.userId, name: h.name, raisedAt: h.raisedAt.toISOString() })),
    participants: participants.filter((p) => visibleTo(a, p)),
    startedAt: c.startedAt ? c.startedAt.toISOString() : null,
    endedAt: c.endedAt ? c.endedAt.toISOString() : null,
    serverNow: new Date(nowMs).toISOString(),
  };
}

export function caseDto(conferenceId: string, k: StoredCase, position: number): ConferenceCase {
  return {
    id: String(k._id),
    position,
    planId: String(k.planId),
    patient: { id: String(k.patientId), name: k.patientName },
    reason: k.reason,
    timeBoxMinutes: k.timeBoxMinutes,
    patientInvited: k.patientInvited,
    minutesDoc: conferenceDocName(conferenceId, String(k._id)),
  };
}

export function viewFor(
  viewer: Viewer,
  state: LiveState,
  teamName: string,
  participants: ConferenceParticipant[],
  nowMs: number,
): ConferenceView {
  const c = viewer.conference;
  const id = String(c._id);
  const a = audienceOf(viewer);
  const cases = (c.cases as StoredCase[])
    .map((k, i) => caseDto(id, k, i + 1))
    .filter((k) => a.kind === 'team' || k.id === a.caseId);
  return {
    id,
    title: c.title,
    team: { id: String(c.teamId), name: teamName },
    scheduledAt: c.scheduledAt.toISOString(),
    durationMinutes: c.durationMinutes,
    createdBy: { id: c.createdBy.id, name: c.createdBy.name },
    cases,
    live: liveFor(c, state, participants, a, nowMs),
    viewer: {
      kind: viewer.kind,
      role: viewer.role,
      caseId: viewer.kind === 'patient' ? viewer.caseId : null,
      canManage: canManage(viewer),
      canRecord: canRecord(viewer),
    },
  };
}

export function summaryFor(
  c: StoredConference,
  teamName: string,
  patientUserId: string | null,
): ConferenceSummary {
  return {
    id: String(c._id),
    title: c.title,
    team: { id: String(c.teamId), name: teamName },
    scheduledAt: c.scheduledAt.toISOString(),
    durationMinutes: c.durationMinutes,
    status: c.status as ConferenceStatus,
    // A patient learns nothing of the other cases, not even how many there are.
    caseCount: patientUserId === null ? c.cases.length : 1,
    startedAt: c.startedAt ? c.startedAt.toISOString() : null,
    endedAt: c.endedAt ? c.endedAt.toISOString() : null,
  };
}
