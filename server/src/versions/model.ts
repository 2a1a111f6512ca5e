import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { ROLES, SIGNATURE_KINDS } from '@tandem/shared';

export type SignatureDoc = {
  versionId: Types.ObjectId;
  planId: Types.ObjectId;
  /** `sign` (once per version), or `<kind>:<userId>` (once per person). */
  key: string;
  userId: string;
  name: string;
  role: string;
  kind: string;
  at: Date;
  contentHash: string;
};

/**
 * Signatures live in their own collection: recording one is an insert that a
 * unique (versionId, key) index lets succeed once, on every instance.
 */
const SignatureSchema = new Schema<SignatureDoc>(
  {
    versionId: { type: Schema.Types.ObjectId, required: true },
    planId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    userId: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    kind: { type: String, required: true, enum: SIGNATURE_KINDS },
    at: { type: Date, required: true },
    contentHash: { type: String, required: true },
  },
  { versionKey: false },
);
SignatureSchema.index({ versionId: 1, key: 1 }, { unique: true });
SignatureSchema.index({ planId: 1, at: 1 });

export type SignatureModel = Model<SignatureDoc>;

export function signatureModel(conn: Connection): SignatureModel {
  return (
    (conn.models.PlanSignature as SignatureModel | undefined) ??
    conn.model<SignatureDoc>('PlanSignature', SignatureSchema, 'plan_signatures')
  );
}

/**
 * A named, immutable snapshot of a plan's shared content; its label may
 * change until the prescriber signs, its content never.
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
    /**
     * Set as the prescriber's signature is recorded, before it: a rename
     * checks it in its update, so one finishing after the signature fails.
     * A signing that fails after sealing leaves the label fixed; signing
     * again completes it.
     */
    sealed: { type: Boolean },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
VersionSchema.index({ planId: 1, number: 1 }, { unique: true });

/** A version as read with lean(). */
export type VersionDoc = {
  planId: Types.ObjectId;
  number: number;
  label: string;
  createdBy: { id: string; name: string; role: string };
  content: string;
  contentHash: string;
  sealed?: boolean;
  createdAt: Date;
};
export type VersionModel = Model<VersionDoc>;

export function versionModel(conn: Connection): VersionModel {
  return (
    (conn.models.PlanVersion as VersionModel | undefined) ??
    conn.model<VersionDoc>('PlanVersion', VersionSchema, 'plan_versions')
  );
}
