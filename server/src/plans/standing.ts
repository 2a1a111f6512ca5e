import type { Types } from 'mongoose';
import { roleMay, type PlanStanding } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { commentModel } from '../comments/model.ts';
import { proposalModel } from '../proposals/model.ts';
import { versionHeads, type VersionHead } from '../versions/head.ts';
import { signatureModel } from '../versions/model.ts';
import { checkInStandings } from '../checkins/standing.ts';
import type { CheckInHeads } from '../checkins/latest.ts';

type ListedPlan = {
  _id: Types.ObjectId;
  latestVersion?: VersionHead | null;
  latestCheckIns?: CheckInHeads | null;
};

/**
 * Where each of the given plans stands for this viewer (see PlanStanding).
 * The plan list is read on every visit to the dashboard, so each query
 * selects only what is open or newest, by conditions the embedded database
 * answers in SQL: the count of queries does not grow with the plans, and the
 * documents read grow with what is open, not with each plan's history.
 */
export async function planStandings(
  ctx: AppContext,
  user: AuthUser,
  plans: ListedPlan[],
): Promise<Map<string, PlanStanding>> {
  const planIds = plans.map((p) => p._id);
  // The plans carry their newest version, so the queries below can all run at once.
  const heads = await versionHeads(ctx, plans);
  const headIds = [...heads.values()].flatMap((h) => (h ? [h.id] : []));
  const [signatures, openProposals, threads, checkIns] = await Promise.all([
    headIds.length
      ? signatureModel(ctx.conn)
          .find({ versionId: { $in: headIds } }, { planId: 1, userId: 1, kind: 1, at: 1 })
          .lean()
      : [],
    roleMay(user.role, 'plan.history')
      ? proposalModel(ctx.conn)
          .find({ planId: { $in: planIds }, status: 'open' }, { planId: 1 })
          .lean()
      : [],
    openThreads(ctx, planIds),
    checkInStandings(ctx, user, plans),
  ]);

  const signedBy = groupBy(signatures, (s) => String(s.planId));
  const proposals = groupBy(openProposals, (p) => String(p.planId));
  const out = new Map<string, PlanStanding>();
  for (const id of planIds) {
    const key = String(id);
    const v = heads.get(key);
    const signed = signedBy.get(key) ?? [];
    const dateOf = (kind: string) => signed.find((s) => s.kind === kind)?.at.toISOString() ?? null;
    const open = threads.get(key) ?? [];
    out.set(key, {
      version: v
        ? {
            number: v.number,
            label: v.label,
            createdAt: v.createdAt.toISOString(),
            signedAt: dateOf('sign'),
            acknowledgedAt: dateOf('acknowledge'),
            signedByYou: signed.some((s) => s.userId === user.id),
          }
        : null,
      openProposals: proposals.get(key)?.length ?? 0,
      openThreads: open.length,
      patientWaiting: open.filter((role) => role === 'patient').length,
      checkIns: checkIns.get(key)!,
    });
  }
  return out;
}

/** Unresolved goal threads per plan, each as the role of its newest comment's author. */
async function openThreads(
  ctx: AppContext,
  planIds: Types.ObjectId[],
): Promise<Map<string, string[]>> {
  const Comments = commentModel(ctx.conn);
  const roots = await Comments.find(
    { planId: { $in: planIds }, threadId: null, resolvedAt: null },
    { planId: 1, authorRole: 1, createdAt: 1, lastAuthorRole: 1 },
  ).lean();
  // Threads stored before their first comment kept who wrote last: read their replies.
  const older = roots.filter((r) => !r.lastAuthorRole);
  const replies = older.length
    ? await Comments.find(
        { threadId: { $in: older.map((r) => r._id) } },
        { threadId: 1, authorRole: 1, createdAt: 1 },
      ).lean()
    : [];
  const newest = new Map(
    roots.map((r) => [String(r._id), { at: r.createdAt, role: r.lastAuthorRole ?? r.authorRole }]),
  );
  for (const reply of replies) {
    const thread = newest.get(String(reply.threadId))!;
    if (reply.createdAt >= thread.at)
      Object.assign(thread, { at: reply.createdAt, role: reply.authorRole });
  }
  const out = new Map<string, string[]>();
  for (const root of roots) {
    const key = String(root.planId);
    out.set(key, [...(out.get(key) ?? []), newest.get(String(root._id))!.role]);
  }
  return out;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
