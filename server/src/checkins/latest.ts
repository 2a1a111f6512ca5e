import type { Types } from 'mongoose';
import { INSTRUMENTS, type Instrument, type Severity } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { planModel } from '../plans/model.ts';
import { checkInModel } from './model.ts';

/** A plan's newest check-in of one kind, as the plan document keeps it (`latestCheckIns`). */
export type CheckInHead = {
  score: number;
  severity: Severity;
  submittedAt: Date;
};
/** Null: none of this kind yet; missing: not known, read from the check-ins. */
export type CheckInHeads = Partial<Record<Instrument, CheckInHead | null>>;

type HeadSource = CheckInHead & { instrument: Instrument };

const path = (instrument: Instrument) => `latestCheckIns.${instrument}`;

/**
 * Makes `c` the plan's newest check-in of its kind unless a newer one is
 * recorded, so the plan list reads scores without reading check-ins.
 */
export async function recordLatest(
  ctx: AppContext,
  planId: Types.ObjectId | string,
  c: HeadSource,
): Promise<void> {
  const p = path(c.instrument);
  await planModel(ctx.conn).updateOne(
    { _id: planId, $or: [{ [p]: null }, { [`${p}.submittedAt`]: { $lt: c.submittedAt } }] },
    {
      $set: { [p]: { score: c.score, severity: c.severity, submittedAt: c.submittedAt } },
    },
    // A check-in is not an edit of the plan: its updatedAt stays.
    { timestamps: false },
  );
}

/**
 * The newest check-in of each kind of each plan. Plans stored before these
 * were kept have them read from their check-ins once, and stored.
 */
export async function checkInHeads(
  ctx: AppContext,
  plans: { _id: Types.ObjectId; latestCheckIns?: CheckInHeads | null }[],
): Promise<Map<string, Record<Instrument, CheckInHead | null>>> {
  const known = (p: (typeof plans)[number]) =>
    INSTRUMENTS.every((i) => p.latestCheckIns?.[i] !== undefined);
  const heads = new Map(
    plans.map((p) => [
      String(p._id),
      Object.fromEntries(INSTRUMENTS.map((i) => [i, p.latestCheckIns?.[i] ?? null])) as Record<
        Instrument,
        CheckInHead | null
      >,
    ]),
  );
  const unknown = plans.filter((p) => !known(p));
  if (unknown.length === 0) return heads;

  const rows = await checkInModel(ctx.conn)
    .find(
      { planId: { $in: unknown.map((p) => p._id) } },
      { planId: 1, instrument: 1, score: 1, severity: 1, submittedAt: 1 },
    )
    .lean();
  for (const r of rows) {
    const head = heads.get(String(r.planId))!;
    const current = head[r.instrument];
    if (!current || current.submittedAt < r.submittedAt)
      head[r.instrument] = { score: r.score, severity: r.severity, submittedAt: r.submittedAt };
  }
  const Plans = planModel(ctx.conn);
  for (const plan of unknown) {
    for (const i of INSTRUMENTS) {
      if (plan.latestCheckIns?.[i] !== undefined) continue;
      // Only where it is still missing: a check-in stored meanwhile has recorded its own.
      await Plans.updateOne(
        { _id: plan._id, [path(i)]: { $exists: false } },
        { $set: { [path(i)]: heads.get(String(plan._id))![i] } },
        { timestamps: false },
      );
    }
  }
  return heads;
}
