import { Types } from 'mongoose';
import {
  CHECK_IN_MIN_GAP_HOURS,
  QUESTIONNAIRES,
  scoreCheckIn,
  type CheckIn,
  type Instrument,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { conflict } from '../errors.ts';
import { recordLatest } from './latest.ts';
import { checkInModel, followUpClaimModel, type FollowUpDoc, type StoredCheckIn } from './model.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

const tooSoon = (instrument: Instrument) =>
  conflict(
    'check_in_too_soon',
    `You already completed the ${QUESTIONNAIRES[instrument].name} in the last ${CHECK_IN_MIN_GAP_HOURS} hours. ` +
      'It asks about the last two weeks, so once a day is enough: please come back tomorrow.',
  );

/** The newest check-ins a plan shows; years of fortnightly forms fit well within it. */
const LIST_LIMIT = 200;

/** A plan's check-ins, newest first. */
export function planCheckIns(ctx: AppContext, planId: string): Promise<StoredCheckIn[]> {
  return checkInModel(ctx.conn)
    .find({ planId })
    .sort({ submittedAt: -1 })
    .limit(LIST_LIMIT)
    .lean<StoredCheckIn[]>();
}

/** The check-in as the API shows it; the follow-up note only for the care team. */
export function toDto(c: StoredCheckIn, opts: { withNote: boolean }): CheckIn {
  return {
    id: String(c._id),
    planId: String(c.planId),
    instrument: c.instrument,
    answers: [...c.answers],
    difficulty: c.difficulty ?? null,
    score: c.score,
    severity: c.severity,
    safety: c.safety,
    submittedAt: c.submittedAt.toISOString(),
    followUp: c.followUp
      ? {
          by: { id: c.followUp.by.id, name: c.followUp.by.name },
          at: c.followUp.at.toISOString(),
          note: opts.withNote ? c.followUp.note : null,
        }
      : null,
  };
}

export type NewCheckIn = {
  planId: string;
  instrument: Instrument;
  answers: number[];
  difficulty: number | null;
  submittedBy: { id: string; name: string };
  submittedAt: Date;
};

/**
 * Scores and stores a check-in as the next of its kind on the plan, and
 * records it as the plan's newest. Refuses one within CHECK_IN_MIN_GAP_HOURS
 * of another of its kind; two sent at the same moment (a double click) get
 * the same number, which the unique index lets only one of them keep.
 */
export async function appendCheckIn(ctx: AppContext, input: NewCheckIn): Promise<StoredCheckIn> {
  const CheckIns = checkInModel(ctx.conn);
  const planId = new Types.ObjectId(input.planId);
  const earlier = await CheckIns.find(
    { planId, instrument: input.instrument },
    { seq: 1, submittedAt: 1 },
  ).lean();
  const gapMs = CHECK_IN_MIN_GAP_HOURS * 3_600_000;
  const at = input.submittedAt.getTime();
  if (earlier.some((e) => Math.abs(at - e.submittedAt.getTime()) < gapMs))
    throw tooSoon(input.instrument);

  const { score, severity, safety } = scoreCheckIn(input.instrument, input.answers);
  let created;
  try {
    created = await CheckIns.create({
      ...input,
      planId,
      seq: Math.max(0, ...earlier.map((e) => e.seq)) + 1,
      score,
      severity,
      safety,
      followUpState: safety ? 'needed' : 'not_needed',
      followUp: null,
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw tooSoon(input.instrument);
    throw err;
  }
  const stored = created.toObject() as StoredCheckIn;
  await recordLatest(ctx, planId, stored);
  return stored;
}

/**
 * Records a clinician's follow-up of a safety answer. The claim comes first:
 * of two clinicians at the same moment, one gets 409. A claim whose copy on
 * the check-in was never written (the server stopped in between) is copied
 * by the next attempt, so the safety answer does not wait forever.
 */
export async function recordFollowUp(
  ctx: AppContext,
  c: StoredCheckIn,
  followUp: FollowUpDoc,
): Promise<StoredCheckIn> {
  let stored = followUp;
  let won = true;
  try {
    await followUpClaimModel(ctx.conn).create({ checkInId: c._id, ...followUp });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const claim = await followUpClaimModel(ctx.conn).findOne({ checkInId: c._id }).lean();
    if (!claim) throw err;
    stored = { by: claim.by, at: claim.at, note: claim.note };
    won = false;
  }
  await checkInModel(ctx.conn).updateOne(
    { _id: c._id },
    { $set: { followUp: stored, followUpState: 'done' } },
  );
  if (!won) throw alreadyFollowedUp();
  return { ...c, followUp: stored, followUpState: 'done' };
}

export const alreadyFollowedUp = () =>
  conflict('check_in_followed_up', 'Someone on the care team already followed up this check-in.');
