import { z } from 'zod';

/**
 * Control characters other than tab and line breaks, and the bidirectional
 * overrides and isolates, which make text display differently from what it
 * says (a dose or a name shown reversed).
 */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/**
 * Text a person types: Unicode-normalized (NFC), trimmed, at most `max`
 * characters, with nothing in it that hides or reorders what it says. May be
 * empty; see {@link requiredText}.
 */
export function typedText(max: number) {
  return z
    .string()
    .normalize()
    .trim()
    .max(max)
    .refine((s) => !HIDDEN.test(s), 'must not contain control or text-direction characters');
}

/** {@link typedText} with at least one visible character. */
export function requiredText(max: number) {
  return typedText(max).refine((s) => VISIBLE.test(s), 'must not be empty');
}
