import type { Types } from 'mongoose';
import { roleMay, type PlanStanding } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { commentModel } from '../comments/model.ts';
import { proposalModel } from '../proposals/model.ts';
import { signatureModel, versionModel } from '../versions/model.ts';

/**
 * Where each of the given plans stands for this viewer (see PlanStanding).
 * Four queries whatever the number of plans, each reading ids, numbers and
 * dates only: the plan list is read on every visit to the dashboard.
 */
export async function planStandings(
  ctx: AppContext,
  user: AuthUser,
  planIds: Types.ObjectId[],
): Promise<Map<string, PlanStanding>> {
  const [versions, proposals, threads] = await Promise.all([
    versionModel(ctx.conn)
      .find({ planId: { $in: planIds } }, { planId: 1, number: 1, label: 1, createdAt: 1 })
      .lean(),
    roleMay(user.role, 'plan.history')
      ? proposalModel(ctx.conn)
          .find({ planId: { $in: planIds }, status: 'open' }, { planId: 1 })
          .lean()
      : [],
    openThreads(ctx, planIds),
  ]);

  const latest = new Map<string, (typeof versions)[number]>();
  for (const v of versions) {
    const key = String(v.planId);
    if ((latest.get(key)?.number ?? 0) < v.number) latest.set(key, v);
  }
  const signatures = await signatureModel(ctx.conn)
    .find(
      { versionId: { $in: [...latest.values()].map((v) => v._id) } },
      { planId: 1, userId: 1, kind: 1, at: 1 },
    )
    .lean();

  const out = new Map<string, PlanStanding>();
  for (const id of planIds) {
    const key = String(id);
    const v = latest.get(key);
    const signed = signatures.filter((s) => String(s.planId) === key);
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
      openProposals: proposals.filter((p) => String(p.planId) === key).length,
      openThreads: open.length,
      patientWaiting: open.filter((t) => t.lastRole === 'patient').length,
    });
  }
  return out;
}

/** Unresolved goal threads per plan, each with the role of its newest comment's author. */
async function openThreads(
  ctx: AppContext,
  planIds: Types.ObjectId[],
): Promise<Map<string, { lastRole: string }[]>> {
  const Comments = commentModel(ctx.conn);
  const roots = await Comments.find(
    { planId: { $in: planIds }, threadId: null, resolvedAt: null },
    { planId: 1, authorRole: 1, createdAt: 1 },
  ).lean();
  const replies = roots.length
    ? await Comments.find(
        { threadId: { $in: roots.map((r) => r._id) } },
        { threadId: 1, authorRole: 1, createdAt: 1 },
      ).lean()
    : [];
  const newest = new Map(
    roots.map((r) => [String(r._id), { at: r.createdAt, role: r.authorRole }]),
  );
  for (const reply of replies) {
    const thread = newest.get(String(reply.threadId))!;
    if (reply.createdAt >= thread.at)
      Object.assign(thread, { at: reply.createdAt, role: reply.authorRole });
  }
  const out = new Map<string, { lastRole: string }[]>();
  for (const root of roots) {
    const key = String(root.planId);
    out.set(key, [...(out.get(key) ?? []), { lastRole: newest.get(String(root._id))!.role }]);
  }
  return out;
}
