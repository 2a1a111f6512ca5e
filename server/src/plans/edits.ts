import { Types } from 'mongoose';
import {
  docAccess,
  PLAN_DOC_KINDS,
  PLAN_DOC_LAYOUT,
  PLAN_EDIT_PAUSE_MS,
  planDocName,
  type PlanEdit,
  type PlanEdits,
  type Role,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type RequestMeta } from '../authz/authorize.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { changeHistory } from '../collab/history.ts';
import { userModel } from '../users/model.ts';

/** Changes read per document: hours of steady typing, so the newest edits are always whole. */
const ROWS_PER_DOC = 2_000;
/** Sections in the order the plan shows them. */
const SECTION_ORDER: string[] = PLAN_DOC_KINDS.flatMap((k) => [...PLAN_DOC_LAYOUT[k]]);

type Row = { userId: string; sections: string[]; at: Date };

/**
 * Who edited the plan, and which sections, newest first: the update log's
 * attribution grouped into stretches of editing per person. Only the
 * documents the caller may read count, so a patient never learns that the
 * private notes were touched. Audited as a read of the record.
 */
export async function planEdits(
  ctx: AppContext,
  user: AuthUser,
  planId: string,
  limit: number,
  meta: RequestMeta,
): Promise<PlanEdits> {
  const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
  const rows: Row[] = [];
  for (const kind of PLAN_DOC_KINDS) {
    if (docAccess(scope.role, kind) === 'none') continue;
    const known = new Set<string>(PLAN_DOC_LAYOUT[kind]);
    for (const c of await changeHistory(ctx.conn, planDocName(planId, kind), {
      limit: ROWS_PER_DOC,
    }))
      rows.push({ userId: c.userId, sections: c.sections.filter((s) => known.has(s)), at: c.at });
  }
  const stretches = groupEdits(rows).slice(0, limit);
  const edits = await withPeople(ctx, stretches);
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

type Stretch = { userId: string; sections: Set<string>; from: Date; to: Date; changes: number };

/**
 * Each person's changes, split wherever they paused longer than
 * PLAN_EDIT_PAUSE_MS, newest stretch first. Grouping per person keeps two
 * people typing at once from cutting each other's stretches into pieces.
 */
export function groupEdits(rows: Row[]): Stretch[] {
  const sorted = [...rows].sort((a, b) => a.at.getTime() - b.at.getTime());
  const open = new Map<string, Stretch>();
  const done: Stretch[] = [];
  for (const r of sorted) {
    let s = open.get(r.userId);
    if (s && r.at.getTime() - s.to.getTime() > PLAN_EDIT_PAUSE_MS) {
      done.push(s);
      s = undefined;
    }
    if (!s) {
      s = { userId: r.userId, sections: new Set(), from: r.at, to: r.at, changes: 0 };
      open.set(r.userId, s);
    }
    s.to = r.at;
    s.changes++;
    for (const name of r.sections) s.sections.add(name);
  }
  done.push(...open.values());
  return done.sort((a, b) => b.to.getTime() - a.to.getTime());
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
      changes: s.changes,
    };
  });
}
