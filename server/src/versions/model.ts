import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { ROLES, SIGNATURE_KINDS } from '@tandem/shared';

const SignatureSchema = new Schema(
  {
    userId: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    kind: { type: String, required: true, enum: SIGNATURE_KINDS },
    at: { type: Date, required: true },
    contentHash: { type: String, required: true },
  },
  { _id: false },
);

/**
 * A named, immutable snapshot of a plan's shared content. Signatures are
 * appended; nothing else changes once the prescriber has signed.
 */
const VersionSchema = new Schema<VersionDoc>(
  {
    planId: { type: Schema.Types.ObjectId, required: true },
    number: { type: Number, required: true },
    label: { type: String, required: true },
    createdBy: {
      id: { type: String, required: true },
      name: { type: String, required: true },
      role: { type: String, required: true },
    },
    /** Canonical JSON of the content; the hash covers exactly these characters. */
    content: { type: String, required: true },
    contentHash: { type: String, required: true },
    signatures: { type: [SignatureSchema], default: [] },
    /**
     * `sign`, or `<kind>:<userId>`: one entry per recorded signature, so a
     * conditional update can refuse a duplicate with `$ne` (FerretDB v1 has
     * no `$not`/`$elemMatch` in updates' filters).
     */
    signatureKeys: { type: [String], default: [] },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
VersionSchema.index({ planId: 1, number: 1 }, { unique: true });

export type StoredSignature = {
  userId: string;
  name: string;
  role: string;
  kind: string;
  at: Date;
  contentHash: string;
};

/** A version as read with lean(). */
export type VersionDoc = {
  planId: Types.ObjectId;
  number: number;
  label: string;
  createdBy: { id: string; name: string; role: string };
  content: string;
  contentHash: string;
  signatures: StoredSignature[];
  signatureKeys: string[];
  createdAt: Date;
};
export type VersionModel = Model<VersionDoc>;

export function versionModel(conn: Connection): VersionModel {
  return (
    (conn.models.PlanVersion as VersionModel | undefined) ??
    conn.model<VersionDoc>('PlanVersion', VersionSchema, 'plan_versions')
  );
}
