import type { Types } from 'mongoose';
import { CHECK_IN_INTERVAL_DAYS, INSTRUMENTS, roleMay, type CheckInStanding } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { checkInHeads, type CheckInHeads } from './latest.ts';
import { checkInModel } from './model.ts';

/**
 * Where each plan's check-ins stand for this viewer: the newest score of
 * each kind (kept on the plan), the safety answers waiting for a clinician
 * (one query over all the plans, reading only those) and whether the
 * patient is due for another.
 */
export async function checkInStandings(
  ctx: AppContext,
  user: AuthUser,
  plans: { _id: Types.ObjectId; latestCheckIns?: CheckInHeads | null }[],
): Promise<Map<string, CheckInStanding>> {
  const [heads, waiting] = await Promise.all([
    checkInHeads(ctx, plans),
    // The patient is not told how their answers are being followed up.
    roleMay(user.role, 'plan.history')
      ? checkInModel(ctx.conn)
          .find(
            { followUpState: 'needed', planId: { $in: plans.map((p) => p._id) } },
            { planId: 1 },
          )
          .lean()
      : [],
  ]);
  const needed = new Map<string, number>();
  for (const w of waiting) needed.set(String(w.planId), (needed.get(String(w.planId)) ?? 0) + 1);
  const dueBefore = ctx.clock.now() - CHECK_IN_INTERVAL_DAYS * 86_400_000;

  const out = new Map<string, CheckInStanding>();
  for (const [planId, head] of heads) {
    const latest = INSTRUMENTS.flatMap((instrument) => {
      const h = head[instrument];
      return h
        ? [{ instrument, score: h.score, severity: h.severity, submittedAt: h.submittedAt }]
        : [];
    });
    out.set(planId, {
      latest: latest.map((l) => ({ ...l, submittedAt: l.submittedAt.toISOString() })),
      followUpNeeded: needed.get(planId) ?? 0,
      due: latest.every((l) => l.submittedAt.getTime() < dueBefore),
    });
  }
  return out;
}
