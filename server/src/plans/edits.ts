import { Types } from 'mongoose';
import {
  docAccess,
  PLAN_DOC_KINDS,
  PLAN_DOC_LAYOUT,
  planDocName,
  type PlanEdit,
  type PlanEdits,
  type Role,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type RequestMeta } from '../authz/authorize.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { editStretches, mergeStretches, type Stretch } from '../collab/history.ts';
import { userModel } from '../users/model.ts';

/** Sections in the order the plan shows them. */
const SECTION_ORDER: string[] = PLAN_DOC_KINDS.flatMap((k) => [...PLAN_DOC_LAYOUT[k]]);

/**
 * Who edited the plan, and which sections, newest first: each person's
 * stretches of work over the plan's documents. Only the documents the caller
 * may read count, so a patient never learns that the private notes were
 * touched. Audited as a read of the record.
 */
export async function planEdits(
  ctx: AppContext,
  user: AuthUser,
  planId: string,
  limit: number,
  meta: RequestMeta,
): Promise<PlanEdits> {
  const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
  const readable = PLAN_DOC_KINDS.filter((kind) => docAccess(scope.role, kind) !== 'none');
  const perDoc = await Promise.all(
    readable.map(async (kind) => {
      const known = new Set<string>(PLAN_DOC_LAYOUT[kind]);
      return (await editStretches(ctx.conn, planDocName(planId, kind))).map((s) => ({
        ...s,
        sections: s.sections.filter((name) => known.has(name)),
      }));
    }),
  );
  const edits = await withPeople(ctx, mergeStretches(perDoc.flat()).slice(0, limit));
  await auditPlanEvent(
    ctx,
    user,
    scope,
    {
      action: 'plan.edits',
      resourceType: 'plan',
      resourceId: planId,
      details: { count: edits.length },
    },
    meta,
  );
  return { edits };
}

/** Names and roles of the editors; a removed account keeps its place as "Former user". */
async function withPeople(ctx: AppContext, stretches: Stretch[]): Promise<PlanEdit[]> {
  const ids = [...new Set(stretches.map((s) => s.userId))].filter((id) =>
    Types.ObjectId.isValid(id),
  );
  const users = await userModel(ctx.conn)
    .find({ _id: { $in: ids } }, { name: 1, role: 1 })
    .lean();
  const byId = new Map(users.map((u) => [String(u._id), u]));
  return stretches.map((s) => {
    const u = byId.get(s.userId);
    return {
      user: { id: s.userId, name: u?.name ?? 'Former user', role: (u?.role as Role) ?? null },
      sections: [...s.sections].sort((a, b) => SECTION_ORDER.indexOf(a) - SECTION_ORDER.indexOf(b)),
      from: s.from.toISOString(),
      to: s.to.toISOString(),
    };
  });
}
