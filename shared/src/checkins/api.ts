import { z } from 'zod';
import { requiredText } from '../text.ts';
import { INSTRUMENTS, QUESTIONNAIRES, SEVERITIES } from './questionnaires.ts';

/** A patient is asked for a check-in when their newest is older than this. */
export const CHECK_IN_INTERVAL_DAYS = 14;
/** One check-in of each kind a day: a score describes two weeks. */
export const CHECK_IN_MIN_GAP_HOURS = 24;

const Answer = z.number().int().min(0).max(3);

/** `POST /plans/:planId/check-ins`, the patient's own plan only. */
export const SubmitCheckInRequest = z
  .strictObject({
    instrument: z.enum(INSTRUMENTS),
    answers: z.array(Answer).max(20),
    difficulty: Answer.nullable().default(null),
  })
  .superRefine((v, ctx) => {
    const n = QUESTIONNAIRES[v.instrument].items.length;
    if (v.answers.length !== n)
      ctx.addIssue({
        code: 'custom',
        path: ['answers'],
        message: `must answer all ${n} questions`,
      });
  });
export type SubmitCheckInRequest = z.input<typeof SubmitCheckInRequest>;

/** `POST /plans/:planId/check-ins/:checkInId/follow-up`: a clinician records how they followed up a safety answer. */
export const FollowUpCheckInRequest = z.strictObject({
  note: requiredText(2000),
});

export const CheckIn = z.object({
  id: z.string(),
  planId: z.string(),
  instrument: z.enum(INSTRUMENTS),
  answers: z.array(z.number()),
  difficulty: z.number().nullable(),
  score: z.number(),
  severity: z.enum(SEVERITIES),
  /** Thoughts of self-harm were reported (PHQ-9 item 9 above "Not at all"). */
  safety: z.boolean(),
  submittedAt: z.string(),
  /** A clinician's follow-up of a safety answer; the note is for the care team only (null for the patient). */
  followUp: z
    .object({
      by: z.object({ id: z.string(), name: z.string() }),
      at: z.string(),
      note: z.string().nullable(),
    })
    .nullable(),
});
export type CheckIn = z.infer<typeof CheckIn>;

/** `GET /plans/:planId/check-ins`: newest first. */
export const CheckInList = z.object({ items: z.array(CheckIn) });
export type CheckInList = z.infer<typeof CheckInList>;

/** Where a plan's check-ins stand, for the plan list: scores and dates, never answers. */
export const CheckInStanding = z.object({
  /** The newest check-in of each kind, in `INSTRUMENTS` order. */
  latest: z.array(
    z.object({
      instrument: z.enum(INSTRUMENTS),
      score: z.number(),
      severity: z.enum(SEVERITIES),
      submittedAt: z.string(),
    }),
  ),
  /** Safety answers no clinician has followed up yet; 0 for the patient. */
  followUpNeeded: z.number(),
  /** No check-in within `CHECK_IN_INTERVAL_DAYS`. */
  due: z.boolean(),
});
export type CheckInStanding = z.infer<typeof CheckInStanding>;
