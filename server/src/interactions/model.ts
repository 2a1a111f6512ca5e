import { Schema, type Connection, type Model, type Types } from 'mongoose';

export type InteractionAckDoc = {
  planId: Types.ObjectId;
  key: string;
  ruleId: string;
  by: { id: string; name: string };
  reason: string;
  at: Date;
};

/** A prescriber's recorded decision to keep a flagged combination, with the reason. */
const InteractionAckSchema = new Schema<InteractionAckDoc>(
  {
    planId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    ruleId: { type: String, required: true },
    by: { id: { type: String, required: true }, name: { type: String, required: true } },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
InteractionAckSchema.index({ planId: 1, key: 1 }, { unique: true });

export type InteractionAckModel = Model<InteractionAckDoc>;

export function interactionAckModel(conn: Connection): InteractionAckModel {
  return (
    (conn.models.InteractionAck as InteractionAckModel | undefined) ??
    conn.model<InteractionAckDoc>('InteractionAck', InteractionAckSchema, 'interaction_acks')
  );
}
