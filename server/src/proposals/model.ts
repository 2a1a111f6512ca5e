import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { PROPOSAL_STATUSES } from '@tandem/shared';

export type ProposalDoc = {
  planId: Types.ObjectId;
  status: (typeof PROPOSAL_STATUSES)[number];
  change: Record<string, unknown>;
  /** The medication as it stood when a change or stop was proposed (null for a start). */
  base: Record<string, unknown> | null;
  summary: string;
  rationale: string;
  proposedBy: { id: string; name: string; role: string };
  source: { type: 'person' | 'conference'; conferenceId: string | null };
  decidedBy: { id: string; name: string } | null;
  decidedAt: Date | null;
  reason: string | null;
  createdAt: Date;
};

/** Medication changes proposed to the prescriber; kept after the decision for the plan history. */
const ProposalSchema = new Schema<ProposalDoc>(
  {
    planId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, required: true, enum: PROPOSAL_STATUSES, default: 'open' },
    change: { type: Schema.Types.Mixed, required: true },
    base: { type: Schema.Types.Mixed, default: null },
    summary: { type: String, required: true },
    rationale: { type: String, required: true },
    proposedBy: {
      id: { type: String, required: true },
      name: { type: String, required: true },
      role: { type: String, required: true },
    },
    source: {
      type: { type: String, required: true, enum: ['person', 'conference'] },
      conferenceId: { type: String, default: null },
    },
    decidedBy: { type: { id: String, name: String }, default: null, _id: false },
    decidedAt: { type: Date, default: null },
    reason: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
ProposalSchema.index({ planId: 1, createdAt: -1 });

export type ProposalModel = Model<ProposalDoc>;

export function proposalModel(conn: Connection): ProposalModel {
  return (
    (conn.models.Proposal as ProposalModel | undefined) ??
    conn.model<ProposalDoc>('Proposal', ProposalSchema, 'medication_proposals')
  );
}

/**
 * Deciding a proposal starts with inserting its decision: the unique
 * proposalId lets exactly one prescriber decide, which a filtered update
 * cannot promise on FerretDB v1.
 */
export type DecisionDoc = { proposalId: Types.ObjectId; userId: string; at: Date };

const DecisionSchema = new Schema<DecisionDoc>(
  {
    proposalId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
DecisionSchema.index({ proposalId: 1 }, { unique: true });

export type DecisionModel = Model<DecisionDoc>;

export function decisionModel(conn: Connection): DecisionModel {
  return (
    (conn.models.ProposalDecision as DecisionModel | undefined) ??
    conn.model<DecisionDoc>('ProposalDecision', DecisionSchema, 'medication_proposal_decisions')
  );
}
