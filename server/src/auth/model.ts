import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Server-side sessions. `_id` is the SHA-256 of the bearer token, so a copy of
 * this collection cannot be replayed. Expiry is enforced in code (no TTL index
 * on the embedded database); ended sessions are kept for the audit trail.
 */
const SessionSchema = new Schema({
  _id: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true },
  lastSeenAt: { type: Date, required: true },
  endedAt: { type: Date, default: null },
  endReason: { type: String, default: null },
  ip: { type: String, default: null },
  userAgent: { type: String, default: null },
  /** The user's credentialEpoch when the password this session was opened with was checked (missing: 0). */
  credentialEpoch: { type: Number, default: 0 },
});
SessionSchema.index({ userId: 1 });

export type SessionDoc = InferSchemaType<typeof SessionSchema>;
export type SessionModel = Model<SessionDoc>;

export function sessionModel(conn: Connection): SessionModel {
  return (conn.models.Session as SessionModel | undefined) ?? conn.model('Session', SessionSchema);
}
