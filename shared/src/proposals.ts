import { z } from 'zod';
import { requiredText, typedText } from './text.ts';
import { ROLES } from './roles.ts';

export const PROPOSAL_KINDS = ['start', 'change', 'stop'] as const;
export const PROPOSAL_STATUSES = ['open', 'accepted', 'declined'] as const;

const Text = requiredText;

/** A medication change someone asks the prescriber to make. */
export const MedicationChange = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('start'),
    name: Text(120),
    dose: z.number().positive().finite().max(100_000),
    unit: Text(20),
    frequency: Text(80),
    route: typedText(40).default('oral'),
    indication: typedText(200).default(''),
  }),
  z.strictObject({
    kind: z.literal('change'),
    medicationId: Text(64),
    dose: z.number().positive().finite().max(100_000).optional(),
    unit: Text(20).optional(),
    frequency: Text(80).optional(),
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
