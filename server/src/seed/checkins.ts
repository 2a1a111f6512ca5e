import type { Instrument } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { appendCheckIn, recordFollowUp } from '../checkins/store.ts';

const DAY = 86_400_000;

/**
 * Five fortnightly check-ins of each kind, oldest first, showing a patient
 * getting better. Each row's answers add up to the total the demo shows
 * (PHQ-9 18 → 9, GAD-7 15 → 8); the first PHQ-9 reports thoughts of
 * self-harm (item 9), which the prescriber followed up the next day.
 */
const HISTORY: Record<Instrument, { answers: number[]; difficulty: number }[]> = {
  phq9: [
    { answers: [3, 2, 2, 3, 2, 2, 2, 1, 1], difficulty: 2 },
    { answers: [2, 2, 2, 3, 2, 2, 2, 1, 0], difficulty: 2 },
    { answers: [2, 2, 2, 2, 1, 2, 1, 1, 0], difficulty: 1 },
    { answers: [2, 1, 2, 2, 1, 1, 1, 1, 0], difficulty: 1 },
    { answers: [1, 1, 2, 2, 1, 1, 1, 0, 0], difficulty: 1 },
  ],
  gad7: [
    { answers: [3, 3, 2, 2, 2, 2, 1], difficulty: 2 },
    { answers: [2, 3, 2, 2, 2, 1, 1], difficulty: 2 },
    { answers: [2, 2, 2, 2, 1, 1, 1], difficulty: 1 },
    { answers: [2, 2, 1, 1, 1, 1, 1], difficulty: 1 },
    { answers: [1, 2, 1, 1, 1, 1, 1], difficulty: 1 },
  ],
};

/** The newest check-in is this many days old at seeding: the next is not due yet. */
const NEWEST_DAYS_AGO = 12;
const EVERY_DAYS = 14;
/** The patient fills in the GAD-7 right after the PHQ-9. */
const MINUTES_AFTER: Record<Instrument, number> = { phq9: 0, gad7: 4 };

export const FOLLOW_UP_NOTE = 'Safety plan reviewed by phone; no plan or intent.';

/**
 * Seeds a patient's check-in history through the same store the API uses,
 * so their plan records its newest scores as a real submission would.
 */
export async function seedCheckIns(
  ctx: AppContext,
  planId: string,
  patient: { id: string; name: string },
  followedUpBy: { id: string; name: string },
): Promise<void> {
  const now = ctx.clock.now();
  for (const [instrument, rows] of Object.entries(HISTORY) as [Instrument, typeof HISTORY.phq9][]) {
    for (const [i, row] of rows.entries()) {
      const daysAgo = NEWEST_DAYS_AGO + (rows.length - 1 - i) * EVERY_DAYS;
      const c = await appendCheckIn(ctx, {
        planId,
        instrument,
        answers: row.answers,
        difficulty: row.difficulty,
        submittedBy: patient,
        submittedAt: new Date(now - daysAgo * DAY + MINUTES_AFTER[instrument] * 60_000),
      });
      if (c.safety)
        await recordFollowUp(ctx, c, {
          by: followedUpBy,
          at: new Date(c.submittedAt.getTime() + DAY),
          note: FOLLOW_UP_NOTE,
        });
    }
  }
}
