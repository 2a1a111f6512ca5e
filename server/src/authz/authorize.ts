import { Types } from 'mongoose';
import {
  docAccess,
  roleMay,
  SECTION_ACCESS,
  type Access,
  type Action,
  type PlanDocKind,
  type PlanSection,
  type Role,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { forbidden } from '../errors.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { planModel } from '../plans/model.ts';
import { patientModel } from '../patients/model.ts';
import { teamModel } from '../teams/model.ts';

/** What a request is about. `self` is the caller's own account and, for a patient, their own record. */
export type Resource =
  { type: 'plan'; planId: string } | { type: 'team'; teamId: string } | { type: 'self' };

/** What the caller is to a plan: the plan, its patient and team, and the caller's role there. */
export type PlanScope = {
  type: 'plan';
  planId: string;
  patientId: string;
  patientName: string;
  patientUserId: string;
  teamId: string;
  teamName: string;
  role: Role;
};
export type TeamScope = { type: 'team'; teamId: string; teamName: string; role: Role };
/** The caller as themself; a patient's own record when they have one. */
export type SelfScope = {
  type: 'self';
  role: Role;
  patientId: string | null;
  teamId: string | null;
};
export type Scope = PlanScope | TeamScope | SelfScope;

export type Permission =
  | { action: Action }
  | { section: PlanSection; access: Exclude<Access, 'none'> }
  | { doc: PlanDocKind; access: Exclude<Access, 'none'> };

/**
 * The relationship of a user to a plan, or null when the user is outside its
 * care team. Unknown and foreign ids look the same, so nothing reveals whether
 * another team's patient exists.
 */
export async function planScope(
  ctx: AppContext,
  user: AuthUser,
  planId: string,
): Promise<PlanScope | null> {
  if (!Types.ObjectId.isValid(planId) || !/^[a-f0-9]{24}$/.test(planId)) return null;
  const plan = await planModel(ctx.conn).findById(planId).lean();
  if (!plan) return null;
  const [patient, team] = await Promise.all([
    patientModel(ctx.conn).findById(plan.patientId).lean(),
    teamModel(ctx.conn).findById(plan.teamId).lean(),
  ]);
  if (!patient || !team) return null;
  let role: Role | null = null;
  if (user.role === 'patient') {
    if (String(patient.userId) === user.id) role = 'patient';
  } else {
    const member = team.members.find((m) => String(m.userId) === user.id);
    if (member) role = member.role as Role;
  }
  if (!role) return null;
  return {
    type: 'plan',
    planId,
    patientId: String(patient._id),
    patientName: patient.name,
    patientUserId: String(patient.userId),
    teamId: String(team._id),
    teamName: team.name,
    role,
  };
}

export async function teamScope(
  ctx: AppContext,
  user: AuthUser,
  teamId: string,
): Promise<TeamScope | null> {
  if (!/^[a-f0-9]{24}$/.test(teamId)) return null;
  const team = await teamModel(ctx.conn).findById(teamId).lean();
  const member = team?.members.find((m) => String(m.userId) === user.id);
  if (!team || !member) return null;
  return { type: 'team', teamId, teamName: team.name, role: member.role as Role };
}

export async function selfScope(ctx: AppContext, user: AuthUser): Promise<SelfScope> {
  const patient =
    user.role === 'patient'
      ? await patientModel(ctx.conn).findOne({ userId: user.id }).lean()
      : null;
  return {
    type: 'self',
    role: user.role,
    patientId: patient ? String(patient._id) : null,
    teamId: patient ? String(patient.teamId) : null,
  };
}

export function permits(role: Role, permission: Permission): boolean {
  if ('action' in permission) return roleMay(role, permission.action);
  const level =
    'section' in permission
      ? SECTION_ACCESS[permission.section][role]
      : docAccess(role, permission.doc);
  return level === 'write' || (level === 'read' && permission.access === 'read');
}

export type RequestMeta = { requestId?: string | null; ip?: string | null };

/**
 * The one authorization check of the server: REST routes, Socket.IO and
 * /collab all come through here. Resolves the scope or throws 403; every
 * refusal is audited.
 */
export async function authorize(
  ctx: AppContext,
  user: AuthUser,
  permission: Permission,
  resource: Resource,
  meta: RequestMeta = {},
): Promise<Scope> {
  const scope =
    resource.type === 'plan'
      ? await planScope(ctx, user, resource.planId)
      : resource.type === 'team'
        ? await teamScope(ctx, user, resource.teamId)
        : await selfScope(ctx, user);
  if (scope && permits(scope.role, permission)) return scope;
  return deny(ctx, user, permission, meta, {
    resourceType: resource.type,
    resourceId:
      resource.type === 'plan'
        ? resource.planId
        : resource.type === 'team'
          ? resource.teamId
          : null,
    // Only name the patient when the caller is in the care team: a probe of a foreign id stays anonymous.
    patientId: scope?.type === 'plan' ? scope.patientId : null,
    teamId: scope?.type === 'plan' || scope?.type === 'team' ? scope.teamId : null,
    inScope: scope !== null,
  });
}

/**
 * The teams in which the caller holds `permission` (for queries that span the
 * caller's teams, like the audit trail). Throws an audited 403 when there are none.
 */
export async function authorizeTeams(
  ctx: AppContext,
  user: AuthUser,
  permission: Permission,
  meta: RequestMeta = {},
): Promise<TeamScope[]> {
  const teams =
    user.role === 'patient'
      ? []
      : await teamModel(ctx.conn)
          .find({ 'members.userId': user.id }, { name: 1, members: 1 })
          .lean();
  const scopes: TeamScope[] = [];
  for (const team of teams) {
    const member = team.members.find((m) => String(m.userId) === user.id);
    if (member && permits(member.role as Role, permission)) {
      scopes.push({
        type: 'team',
        teamId: String(team._id),
        teamName: team.name,
        role: member.role as Role,
      });
    }
  }
  if (scopes.length > 0) return scopes;
  return deny(ctx, user, permission, meta, {
    resourceType: 'teams',
    resourceId: null,
    patientId: null,
    teamId: null,
    inScope: true,
  });
}

/** Audits a refusal and throws the uniform 403. */
async function deny(
  ctx: AppContext,
  user: AuthUser,
  permission: Permission,
  meta: RequestMeta,
  what: {
    resourceType: string;
    resourceId: string | null;
    patientId: string | null;
    teamId: string | null;
    inScope: boolean;
  },
): Promise<never> {
  await ctx.audit.record({
    actorId: user.id,
    actorRole: user.role,
    action: 'access.denied',
    outcome: 'denied',
    resourceType: what.resourceType,
    resourceId: what.resourceId,
    patientId: what.patientId,
    teamId: what.teamId,
    requestId: meta.requestId ?? null,
    ip: meta.ip ?? null,
    details: {
      permission: describe(permission),
      reason: what.inScope ? 'role' : 'not_in_care_team',
    },
  });
  throw what.inScope
    ? forbidden('Your role does not allow this.')
    : forbidden('You do not have access to this.');
}

function describe(p: Permission): string {
  if ('action' in p) return p.action;
  return 'section' in p ? `${p.section}:${p.access}` : `doc:${p.doc}:${p.access}`;
}

export async function authorizePlan(
  ctx: AppContext,
  user: AuthUser,
  permission: Permission,
  planId: string,
  meta?: RequestMeta,
): Promise<PlanScope> {
  return (await authorize(ctx, user, permission, { type: 'plan', planId }, meta)) as PlanScope;
}

export async function authorizeTeam(
  ctx: AppContext,
  user: AuthUser,
  permission: Permission,
  teamId: string,
  meta?: RequestMeta,
): Promise<TeamScope> {
  return (await authorize(ctx, user, permission, { type: 'team', teamId }, meta)) as TeamScope;
}

export async function authorizeSelf(
  ctx: AppContext,
  user: AuthUser,
  permission: Permission,
  meta?: RequestMeta,
): Promise<SelfScope> {
  return (await authorize(ctx, user, permission, { type: 'self' }, meta)) as SelfScope;
}

/**
 * Refuses what the caller's role allows but a rule of the record does not
 * (only a comment's author edits it, say); audited like every denial.
 */
export async function refuseInPlan(
  ctx: AppContext,
  user: AuthUser,
  scope: PlanScope,
  what: { resourceType: string; resourceId: string; reason: string },
  message: string,
  meta: RequestMeta,
): Promise<never> {
  await auditPlanEvent(
    ctx,
    user,
    scope,
    {
      action: 'access.denied',
      outcome: 'denied',
      resourceType: what.resourceType,
      resourceId: what.resourceId,
      details: { reason: what.reason },
    },
    meta,
  );
  throw forbidden(message);
}
