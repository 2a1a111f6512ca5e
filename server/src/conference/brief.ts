import { diffPlans, type CaseBrief, type PlanSnapshot } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type RequestMeta } from '../authz/authorize.ts';
import { readPlanSnapshot } from '../plans/content.ts';
import { versionModel } from '../versions/model.ts';
import { commentModel } from '../comments/model.ts';
import { planCheckIns, toDto } from '../checkins/store.ts';
import { auditBase, resolveCase } from './access.ts';

const MAX_COMMENTS = 50;

/**
 * What the room looks at for a case: the plan's shared content (never
 * private notes), what changed since its latest version, the patient's
 * check-ins and the open comment threads. Opening it is a read of the patient's record.
 */
export async function caseBrief(
  ctx: AppContext,
  user: AuthUser,
  conferenceId: string,
  caseId: string,
  meta: RequestMeta,
): Promise<CaseBrief> {
  const { viewer, kase } = await resolveCase(
    ctx,
    user,
    conferenceId,
    caseId,
    'conference.attend',
    meta,
  );
  const planId = String(kase.planId);
  const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
  const [snapshot, latest, comments, checkIns] = await Promise.all([
    readPlanSnapshot(ctx, planId),
    versionModel(ctx.conn).findOne({ planId }).sort({ number: -1 }).lean(),
    commentModel(ctx.conn).find({ planId, resolvedAt: null }).sort({ createdAt: 1 }).lean(),
    planCheckIns(ctx, planId),
  ]);
  const replies = new Map<string, number>();
  for (const c of comments) {
    if (c.threadId) replies.set(String(c.threadId), (replies.get(String(c.threadId)) ?? 0) + 1);
  }
  const openComments = comments
    .filter((c) => !c.threadId)
    .slice(-MAX_COMMENTS)
    .map((c) => ({
      id: String(c._id),
      goalId: c.goalId,
      author: c.authorName,
      body: c.body,
      createdAt: c.createdAt.toISOString(),
      replies: replies.get(String(c._id)) ?? 0,
    }));
  await ctx.audit.record({
    ...auditBase(viewer, meta),
    action: 'conference.case.read',
    patientId: scope.patientId,
    details: { caseId },
  });
  return {
    caseId,
    planId,
    snapshot,
    recentChanges: {
      since: latest
        ? { number: latest.number, label: latest.label, at: latest.createdAt.toISOString() }
        : null,
      changes: latest ? diffPlans(JSON.parse(latest.content) as PlanSnapshot, snapshot) : [],
    },
    checkIns: checkIns.map((c) => toDto(c, { withNote: scope.role !== 'patient' })),
    openComments,
  };
}
