import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type RequestMeta } from '../authz/authorize.ts';
import { patientModel } from '../patients/model.ts';
import { planModel } from '../plans/model.ts';
import { teamModel } from '../teams/model.ts';
import { userModel } from '../users/model.ts';
import { readPlanSnapshot } from '../plans/content.ts';
import { signatureModel, versionModel } from '../versions/model.ts';
import { checkInModel } from '../checkins/model.ts';
import { buildFhirBundle, type FhirExportInput } from './bundle.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';

/** `GET /plans/:planId/fhir`: the plan as a FHIR R4 Bundle; every export is audited. */
export async function exportPlanFhir(
  ctx: AppContext,
  user: AuthUser,
  planId: string,
  baseUrl: string,
  meta: RequestMeta,
): Promise<ReturnType<typeof buildFhirBundle>> {
  const scope = await authorizePlan(ctx, user, { action: 'plan.export' }, planId, meta);
  const [plan, patient, team, content, versions, signatures, checkIns] = await Promise.all([
    planModel(ctx.conn).findById(planId).lean(),
    patientModel(ctx.conn).findById(scope.patientId).lean(),
    teamModel(ctx.conn).findById(scope.teamId).lean(),
    readPlanSnapshot(ctx, planId),
    versionModel(ctx.conn).find({ planId }, { label: 1 }).lean(),
    signatureModel(ctx.conn).find({ planId }).sort({ at: 1 }).lean(),
    checkInModel(ctx.conn)
      .find({ planId }, { instrument: 1, answers: 1, score: 1, severity: 1, submittedAt: 1 })
      .sort({ submittedAt: 1 })
      .lean(),
  ]);
  const labels = new Map(versions.map((v) => [String(v._id), v.label]));
  const memberIds = (team?.members ?? []).map((m) => m.userId);
  const users = await userModel(ctx.conn)
    .find({ _id: { $in: memberIds } }, { name: 1 })
    .lean();
  const names = new Map(users.map((u) => [String(u._id), u.name]));

  const input: FhirExportInput = {
    baseUrl,
    exportedAt: new Date(ctx.clock.now()),
    patient: {
      id: scope.patientId,
      name: scope.patientName,
      dateOfBirth: patient?.dateOfBirth ?? null,
    },
    team: {
      id: scope.teamId,
      name: scope.teamName,
      members: (team?.members ?? []).map((m) => ({
        id: String(m.userId),
        name: names.get(String(m.userId)) ?? 'Care team member',
        role: m.role,
      })),
    },
    plan: {
      id: planId,
      title: plan!.title,
      status: plan!.status,
      createdAt: plan!.createdAt,
      updatedAt: plan!.updatedAt,
    },
    content: { goals: content.goals, medications: content.medications, therapy: content.therapy },
    signatures: signatures.map((s) => ({
      versionId: String(s.versionId),
      versionLabel: labels.get(String(s.versionId)) ?? '',
      userId: s.userId,
      name: s.name,
      role: s.role,
      kind: s.kind as 'sign' | 'cosign' | 'acknowledge',
      at: s.at,
      contentHash: s.contentHash,
    })),
    checkIns: checkIns.map((c) => ({
      id: String(c._id),
      instrument: c.instrument,
      answers: c.answers,
      score: c.score,
      severity: c.severity,
      submittedAt: c.submittedAt,
    })),
  };
  const bundle = buildFhirBundle(input);
  const resources = (bundle.entry as unknown[]).length;
  await auditPlanEvent(
    ctx,
    user,
    scope,
    {
      action: 'plan.export',
      resourceType: 'plan',
      resourceId: planId,
      details: { format: 'fhir-r4', resources },
    },
    meta,
  );
  return bundle;
}
