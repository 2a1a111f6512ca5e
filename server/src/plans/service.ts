import {
  docAccess,
  PLAN_DOC_KINDS,
  PLAN_DOC_SECTIONS,
  planDocName,
  type PlanDetail,
  type PlanDocInfo,
  type PlanListItem,
  type PlanRef,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type RequestMeta } from '../authz/authorize.ts';
import { notFound } from '../errors.ts';
import { patientModel } from '../patients/model.ts';
import { teamModel } from '../teams/model.ts';
import { planModel } from './model.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { planStandings } from './standing.ts';

/**
 * Plans the user may open: their own as a patient, their teams' as a team
 * member, each with where it stands. Patient names are patient data, so the
 * listing is audited.
 */
export async function listPlans(
  ctx: AppContext,
  user: AuthUser,
  meta: RequestMeta = {},
  opts: { standing: boolean } = { standing: true },
): Promise<(PlanRef & Partial<Pick<PlanListItem, 'standing'>>)[]> {
  const Patients = patientModel(ctx.conn);
  const Plans = planModel(ctx.conn);
  const Teams = teamModel(ctx.conn);

  const teams =
    user.role === 'patient'
      ? []
      : await Teams.find({ 'members.userId': user.id }, { name: 1 }).lean();
  const patients =
    user.role === 'patient'
      ? await Patients.find({ userId: user.id }).lean()
      : await Patients.find({ teamId: { $in: teams.map((t) => t._id) } }).lean();
  await ctx.audit.record({
    actorId: user.id,
    actorRole: user.role,
    action: 'plan.list',
    outcome: 'success',
    resourceType: 'plan',
    requestId: meta.requestId ?? null,
    ip: meta.ip ?? null,
    details: { count: patients.length },
  });
  if (patients.length === 0) return [];
  const teamNames = new Map(
    (user.role === 'patient'
      ? await Teams.find({ _id: { $in: patients.map((p) => p.teamId) } }, { name: 1 }).lean()
      : teams
    ).map((t) => [String(t._id), t.name]),
  );
  const plans = await Plans.find({ patientId: { $in: patients.map((p) => p._id) } }).lean();
  const patientById = new Map(patients.map((p) => [String(p._id), p]));
  const standings = opts.standing ? await planStandings(ctx, user, plans) : null;
  return plans
    .map((plan) => {
      const patient = patientById.get(String(plan.patientId))!;
      return {
        id: String(plan._id),
        patient: { id: String(patient._id), name: patient.name },
        team: { id: String(plan.teamId), name: teamNames.get(String(plan.teamId)) ?? '' },
        ...(standings && { standing: standings.get(String(plan._id))! }),
      };
    })
    .sort((a, b) => a.patient.name.localeCompare(b.patient.name));
}

/** A plan's metadata and the Yjs documents the caller may open; audited as a read of the record. */
export async function getPlan(
  ctx: AppContext,
  user: AuthUser,
  planId: string,
  meta: RequestMeta,
): Promise<PlanDetail> {
  const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
  const plan = await planModel(ctx.conn).findById(planId).lean();
  if (!plan) throw notFound();
  const docs: PlanDocInfo[] = [];
  for (const kind of PLAN_DOC_KINDS) {
    const access = docAccess(scope.role, kind);
    if (access === 'none') continue;
    docs.push({
      name: planDocName(planId, kind),
      kind,
      sections: [...PLAN_DOC_SECTIONS[kind]],
      access,
    });
  }
  await auditPlanEvent(
    ctx,
    user,
    scope,
    { action: 'plan.read', resourceType: 'plan', resourceId: planId },
    meta,
  );
  return {
    id: planId,
    patient: { id: scope.patientId, name: scope.patientName },
    team: { id: scope.teamId, name: scope.teamName },
    title: plan.title,
    status: plan.status as 'active' | 'archived',
    template: plan.template,
    role: scope.role,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
    collab: { docs },
  };
}
