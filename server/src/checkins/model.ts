import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { INSTRUMENTS, SEVERITIES, type Instrument, type Severity } from '@tandem/shared';

/**
 * Where a check-in's safety answer stands. A string, not a boolean, because
 * the embedded database answers string equality from its indexes: the plan
 * list asks for the `needed` ones of hundreds of plans at once.
 */
export const FOLLOW_UP_STATES = ['not_needed', 'needed', 'done'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

export type FollowUpDoc = { by: { id: string; name: string }; at: Date; note: string };

export type CheckInDoc = {
  planId: Types.ObjectId;
  instrument: Instrument;
  /**
   * The place of this check-in among its plan's check-ins of the same kind
   * (1, 2, …). Unique, so two submissions sent at once cannot both be stored.
   */
  seq: number;
  answers: number[];
  difficulty: number | null;
  score: number;
  severity: Severity;
  safety: boolean;
  followUpState: FollowUpState;
  submittedBy: { id: string; name: string };
  submittedAt: Date;
  followUp: FollowUpDoc | null;
};
export type StoredCheckIn = CheckInDoc & { _id: Types.ObjectId };

const person = () => ({
  id: { type: String, required: true },
  name: { type: String, required: true },
});

/** A patient's completed questionnaire (PHQ-9, GAD-7), scored by the server. */
const CheckInSchema = new Schema<CheckInDoc>(
  {
    planId: { type: Schema.Types.ObjectId, required: true },
    instrument: { type: String, required: true, enum: INSTRUMENTS },
    seq: { type: Number, required: true },
    answers: { type: [Number], required: true },
    difficulty: { type: Number, default: null },
    score: { type: Number, required: true },
    severity: { type: String, required: true, enum: SEVERITIES },
    safety: { type: Boolean, required: true },
    followUpState: { type: String, required: true, enum: FOLLOW_UP_STATES },
    submittedBy: person(),
    submittedAt: { type: Date, required: true },
    followUp: {
      type: { by: person(), at: { type: Date, required: true }, note: { type: String } },
      default: null,
      _id: false,
    },
  },
  { versionKey: false },
);
CheckInSchema.index({ planId: 1, instrument: 1, seq: 1 }, { unique: true });
// A plan's check-ins, newest first.
CheckInSchema.index({ planId: 1, submittedAt: -1 });
// Safety answers waiting for a clinician, across the plans of a plan list.
CheckInSchema.index({ followUpState: 1, planId: 1 });

export type CheckInModel = Model<CheckInDoc>;

export function checkInModel(conn: Connection): CheckInModel {
  return (
    (conn.models.CheckIn as CheckInModel | undefined) ??
    conn.model<CheckInDoc>('CheckIn', CheckInSchema, 'check_ins')
  );
}

/**
 * Following up a safety answer starts with inserting the follow-up here: the
 * unique checkInId lets exactly one clinician record it, which a filtered
 * update cannot promise on FerretDB v1. The check-in then gets a copy.
 */
export type FollowUpClaimDoc = FollowUpDoc & { checkInId: Types.ObjectId };

const FollowUpClaimSchema = new Schema<FollowUpClaimDoc>(
  {
    checkInId: { type: Schema.Types.ObjectId, required: true },
    by: person(),
    at: { type: Date, required: true },
    note: { type: String, required: true },
  },
  { versionKey: false },
);
FollowUpClaimSchema.index({ checkInId: 1 }, { unique: true });

export type FollowUpClaimModel = Model<FollowUpClaimDoc>;

export function followUpClaimModel(conn: Connection): FollowUpClaimModel {
  return (
    (conn.models.CheckInFollowUp as FollowUpClaimModel | undefined) ??
    conn.model<FollowUpClaimDoc>('CheckInFollowUp', FollowUpClaimSchema, 'check_in_follow_ups')
  );
}
