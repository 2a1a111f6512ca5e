import { ANSWER_OPTIONS, DIFFICULTY_OPTIONS, type Instrument } from '@tandem/shared';
import { DeviceDraft } from '$lib/collab/device-draft.svelte.ts';

/**
 * How long half-answered check-ins are kept. The questions ask about the
 * last two weeks, so answers from earlier the same day still hold; a day
 * later the patient starts afresh.
 */
export const DRAFT_HOURS = 24;

export type DraftAnswers = { answers: (number | null)[]; difficulty: number | null };

const valid = (v: unknown, options: readonly unknown[]) =>
  v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < options.length);

/**
 * A half-answered check-in kept on the device (one per plan and form), so
 * that a phone dropping the page in the background loses no answer.
 */
export function checkInDraft(
  userId: string,
  planId: string,
  instrument: Instrument,
  items: number,
): DeviceDraft<DraftAnswers> {
  return new DeviceDraft(userId, `check-in:${planId}:${instrument}`, {
    maxAgeMs: DRAFT_HOURS * 3_600_000,
    parse: (stored) => {
      const draft = stored as DraftAnswers;
      if (!Array.isArray(draft?.answers) || draft.answers.length !== items) return null;
      if (!draft.answers.every((a) => valid(a, ANSWER_OPTIONS))) return null;
      return valid(draft.difficulty, DIFFICULTY_OPTIONS) ? draft : null;
    },
  });
}
