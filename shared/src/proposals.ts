import { z } from 'zod';
import { requiredText, typedText } from './text.ts';
import { ROLES } from './roles.ts';
import { DOSE_UNITS, MEDICATION_FREQUENCIES } from './plan/vocabulary.ts';

export const PROPOSAL_KINDS = ['start', 'change', 'stop'] as const;
export const PROPOSAL_STATUSES = ['open', 'accepted', 'declined'] as const;

const Text = requiredText;

/**
 * A proposal sets a new unit or frequency, so it takes one the plan editor offers: accepting
 * it must not write a word the plan does not use ("daily" for "once daily"). Typed as text,
 * like the plan's own fields, which keep values written before the lists existed.
 */
const oneOf = (choices: readonly string[], what: string) =>
  Text(80).refine((v) => choices.includes(v), `must be one of the ${what} the plan offers`);
const Unit = oneOf(DOSE_UNITS, 'units');
const Frequency = oneOf(MEDICATION_FREQUENCIES, 'frequencies');

/** A medication change someone asks the prescriber to make. */
export const MedicationChange = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('start'),
    name: Text(120),
    dose: z.number().positive().finite().max(100_000),
    unit: Unit,
    frequency: Frequency,
    route: typedText(40).default('oral'),
    indication: typedText(200).default(''),
  }),
  z.strictObject({
    kind: z.literal('change'),
    medicationId: Text(64),
    dose: z.number().positive().finite().max(100_000).optional(),
    unit: Unit.optional(),
    frequency: Frequency.optional(),
  }),
  z.strictObject({ kind: z.literal('stop'), medicationId: Text(64) }),
]);
export type MedicationChange = z.infer<typeof MedicationChange>;

export const CreateProposalRequest = z.strictObject({
  change: MedicationChange,
  rationale: Text(2000),
});
export type CreateProposalRequest = z.input<typeof CreateProposalRequest>;

export const DecideProposalRequest = z.strictObject({
  reason: typedText(2000).default(''),
  /**
   * The prescriber's date, for a medication the change starts: the server
   * knows only UTC's, a day ahead in the Americas' evenings.
   */
  today: z.iso.date().optional(),
});
export const DeclineProposalRequest = z.strictObject({ reason: Text(2000) });

export type Proposal = {
  id: string;
  planId: string;
  status: (typeof PROPOSAL_STATUSES)[number];
  change: MedicationChange;
  /** The change in clinical words: "sertraline 50 mg → 100 mg once daily". */
  summary: string;
  rationale: string;
  proposedBy: { id: string; name: string; role: (typeof ROLES)[number] | 'conference' };
  source: { type: 'person' } | { type: 'conference'; conferenceId: string };
  createdAt: string;
  decidedBy: { id: string; name: string } | null;
  decidedAt: string | null;
  reason: string | null;
};
