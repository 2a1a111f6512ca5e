import type { Types } from 'mongoose';
import type { AppContext } from '../context.ts';
import { planModel } from '../plans/model.ts';
import { versionModel } from './model.ts';

/** A plan's newest version, as the plan document keeps it (`latestVersion`). */
export type VersionHead = { id: Types.ObjectId; number: number; label: string; createdAt: Date };

/**
 * Makes `head` the plan's newest version unless a newer one is recorded.
 * Versions are numbered by a unique index, so the highest number wins
 * whatever order two saves finish in.
 */
export async function recordHead(
  ctx: AppContext,
  planId: Types.ObjectId | string,
  head: VersionHead,
): Promise<void> {
  await planModel(ctx.conn).updateOne(
    {
      _id: planId,
      $or: [{ latestVersion: null }, { 'latestVersion.number': { $lt: head.number } }],
    },
    { $set: { latestVersion: head } },
  );
}

/** A renamed version keeps its place; the head follows its new label. */
export async function renameHead(
  ctx: AppContext,
  planId: Types.ObjectId | string,
  versionId: Types.ObjectId,
  label: string,
): Promise<void> {
  await planModel(ctx.conn).updateOne(
    { _id: planId, 'latestVersion.id': versionId },
    { $set: { 'latestVersion.label': label } },
  );
}

/**
 * The newest version of each plan. Plans stored before the head was kept
 * (no `latestVersion` at all) have it read from their versions once, and
 * stored.
 */
export async function versionHeads(
  ctx: AppContext,
  plans: { _id: Types.ObjectId; latestVersion?: VersionHead | null }[],
): Promise<Map<string, VersionHead | null>> {
  const heads = new Map(plans.map((p) => [String(p._id), p.latestVersion ?? null]));
  const unknown = plans.filter((p) => p.latestVersion === undefined).map((p) => p._id);
  if (unknown.length === 0) return heads;

  const versions = await versionModel(ctx.conn)
    .find({ planId: { $in: unknown } }, { planId: 1, number: 1, label: 1, createdAt: 1 })
    .lean();
  for (const v of versions) {
    const key = String(v.planId);
    if ((heads.get(key)?.number ?? 0) < v.number)
      heads.set(key, { id: v._id, number: v.number, label: v.label, createdAt: v.createdAt });
  }
  const Plans = planModel(ctx.conn);
  for (const planId of unknown) {
    // Only where it is still missing: a version saved meanwhile has recorded its own head.
    await Plans.updateOne(
      { _id: planId, latestVersion: { $exists: false } },
      { $set: { latestVersion: heads.get(String(planId)) ?? null } },
    );
  }
  return heads;
}
