import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { AUDIT_OUTCOMES } from '@tandem/shared';

/**
 * Append-only audit records. `seq` is unique, so two instances can never both
 * append after the same record: the chain stays linear without transactions.
 */
const AuditSchema = new Schema(
  {
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    actorId: { type: String, default: null },
    actorRole: { type: String, default: null },
    action: { type: String, required: true },
    resourceType: { type: String, default: null },
    resourceId: { type: String, default: null },
    patientId: { type: String, default: null },
    teamId: { type: String, default: null },
    outcome: { type: String, required: true, enum: AUDIT_OUTCOMES },
    requestId: { type: String, default: null },
    ip: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: null },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  // minimize off: an empty object in `details` must read back as stored, or its hash breaks.
  { versionKey: false, minimize: false },
);
AuditSchema.index({ seq: 1 }, { unique: true });
AuditSchema.index({ patientId: 1, seq: -1 });
AuditSchema.index({ actorId: 1, seq: -1 });
AuditSchema.index({ teamId: 1, seq: -1 });

export type AuditDoc = InferSchemaType<typeof AuditSchema>;
export type AuditModel = Model<AuditDoc>;

export function auditModel(conn: Connection): AuditModel {
  return (conn.models.Audit as AuditModel | undefined) ?? conn.model('Audit', AuditSchema);
}
