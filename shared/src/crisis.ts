import { z } from 'zod';

/** A number a person can dial: digits, spaces or dashes, optionally after a +. */
export const PHONE_NUMBER = /^\+?[0-9][0-9 -]{1,19}$/;

/**
 * Where Tandem sends a patient who may be in danger, shown the moment a
 * check-in reports thoughts of self-harm and on every patient plan. They are
 * the deployment's country's: set by the server's configuration (CRISIS_*),
 * the United States' by default.
 */
export const CrisisLines = z.object({
  /** Emergency services. */
  emergency: z.string().regex(PHONE_NUMBER),
  /** A crisis line open at all hours. */
  line: z.object({
    name: z.string().min(1).max(80),
    number: z.string().regex(PHONE_NUMBER),
    /** Takes text messages at the same number, too. */
    texts: z.boolean(),
  }),
});
export type CrisisLines = z.infer<typeof CrisisLines>;

export const US_CRISIS_LINES: CrisisLines = {
  emergency: '911',
  line: { name: 'the Suicide & Crisis Lifeline', number: '988', texts: true },
};

/** The `tel:` address of a number as people write it ("116 123" → "tel:116123"). */
export function telHref(number: string): string {
  return `tel:${number.replace(/[ -]/g, '')}`;
}
