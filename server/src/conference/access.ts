import { Types } from 'mongoose';
import { roleMay, type Action, type TeamRole } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import {
  authorizePlan,
  authorizeTeam,
  type PlanScope,
  type RequestMeta,
  type TeamScope,
} from '../authz/authorize.ts';
import { forbidden, notFound } from '../errors.ts';
import {
  conferenceModel,
  type LiveState,
  type StoredCase,
  type StoredConference,
} from './model.ts';

type ConferenceAction = Extract<Action, `conference.${string}`>;

/** A member of the conference's care team. */
export type TeamViewer = {
  kind: 'team';
  user: AuthUser;
  role: TeamRole;
  scope: TeamScope;
  conference: StoredConference;
};

/** A patient invited to the segment about their own case; sees that case only. */
export type PatientViewer = {
  kind: 'patient';
  user: AuthUser;
  role: 'patient';
  scope: PlanScope;
  caseId: string;
  conference: StoredConference;
};

export type Viewer = TeamViewer | PatientViewer;

export async function loadConference(
  ctx: AppContext,
  conferenceId: string,
): Promise<StoredConference> {
  if (!Types.ObjectId.isValid(conferenceId) || !/^[a-f0-9]{24}$/.test(conferenceId)) {
    throw notFound('No such conference.');
  }
  const c = await conferenceModel(ctx.conn).findById(conferenceId).lean<StoredConference>();
  if (!c) throw notFound('No such conference.');
  return c;
}

export function findCase(c: StoredConference, caseId: string): StoredCase | undefined {
  return (c.cases as StoredCase[]).find((k) => String(k._id) === caseId);
}

/**
 * Who the caller is to a conference, through the one authorize(): the care
 * team by team membership, a patient by their own plan when invited to its
 * case. Everyone else (another team, an uninvited patient) gets the audited 403.
 * `conference` skips the load when the caller already has it.
 */
export async function resolveViewer(
  ctx: AppContext,
  user: AuthUser,
  conferenceId: string,
  action: ConferenceAction,
  meta: RequestMeta,
  conference?: StoredConference,
): Promise<Viewer> {
  const c = conference ?? (await loadConference(ctx, conferenceId));
  const teamId = String(c.teamId);
  if (user.role !== 'patient') {
    const scope = await authorizeTeam(ctx, user, { action }, teamId, meta);
    return { kind: 'team', user, role: scope.role as TeamRole, scope, conference: c };
  }
  const own = (c.cases as StoredCase[]).find(
    (k) => k.patientInvited && String(k.patientUserId) === user.id,
  );
  if (own) {
    const scope = await authorizePlan(ctx, user, { action }, String(own.planId), meta);
    return {
      kind: 'patient',
      user,
      role: 'patient',
      scope,
      caseId: String(own._id),
      conference: c,
    };
  }
  // Patients belong to no team: this refuses (and audits) the uninvited one.
  await authorizeTeam(ctx, user, { action }, teamId, meta);
  throw forbidden();
}

/**
 * The viewer and one case of the conference. A patient asking for another
 * case than their own is refused through authorize() on that case's plan,
 * so the refusal is audited like any foreign plan.
 */
export async function resolveCase(
  ctx: AppContext,
  user: AuthUser,
  conferenceId: string,
  caseId: string,
  action: ConferenceAction,
  meta: RequestMeta,
): Promise<{ viewer: Viewer; kase: StoredCase }> {
  const viewer = await resolveViewer(ctx, user, conferenceId, action, meta);
  const kase = findCase(viewer.conference, caseId);
  if (!kase) throw notFound('No such case in this conference.');
  if (viewer.kind === 'patient' && viewer.caseId !== caseId) {
    await authorizePlan(ctx, user, { action }, String(kase.planId), meta);
    throw forbidden();
  }
  return { viewer, kase };
}

export function canManage(viewer: Viewer): boolean {
  return viewer.kind === 'team' && roleMay(viewer.role, 'conference.manage');
}

export function canRecord(viewer: Viewer): boolean {
  return viewer.kind === 'team' && roleMay(viewer.role, 'conference.record');
}

export function isPresenter(viewer: Viewer, state: LiveState): boolean {
  return viewer.kind === 'team' && state.presenter?.id === viewer.user.id;
}

/** The cases a viewer may see: all for the team, their own for a patient. */
export function visibleCases(viewer: Viewer): StoredCase[] {
  const cases = viewer.conference.cases as StoredCase[];
  return viewer.kind === 'team' ? cases : cases.filter((k) => String(k._id) === viewer.caseId);
}

/** Refuses a conference rule (not the presenter, say); audited like every denial. */
export async function refuse(
  ctx: AppContext,
  viewer: Viewer,
  reason: string,
  message: string,
  meta: RequestMeta,
): Promise<never> {
  await ctx.audit.record({
    actorId: viewer.user.id,
    actorRole: viewer.role,
    action: 'access.denied',
    outcome: 'denied',
    resourceType: 'conference',
    resourceId: String(viewer.conference._id),
    teamId: String(viewer.conference.teamId),
    requestId: meta.requestId ?? null,
    ip: meta.ip ?? null,
    details: { reason },
  });
  throw forbidden(message);
}

/** The audit fields every conference record of a viewer carries. */
export function auditBase(viewer: Viewer, meta: RequestMeta) {
  return {
    actorId: viewer.user.id,
    actorRole: viewer.role,
    outcome: 'success' as const,
    resourceType: 'conference',
    resourceId: String(viewer.conference._id),
    teamId: String(viewer.conference.teamId),
    patientId: viewer.kind === 'patient' ? viewer.scope.patientId : null,
    requestId: meta.requestId ?? null,
    ip: meta.ip ?? null,
  };
}

export function teamNameOf(viewer: Viewer): string {
  return viewer.scope.teamName;
}
