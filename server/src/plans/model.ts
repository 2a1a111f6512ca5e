import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { INSTRUMENTS, SEVERITIES } from '@tandem/shared';

/** The newest check-in of one kind, as the plan keeps it (see checkins/latest.ts). */
const checkInHead = () => ({
  type: {
    score: { type: Number, required: true },
    severity: { type: String, required: true, enum: SEVERITIES },
    submittedAt: { type: Date, required: true },
  },
  default: null,
  _id: false,
});

/** Plan metadata; the content lives in the plan's Yjs documents (see collab/). */
const PlanSchema = new Schema(
  {
    patientId: { type: Schema.Types.ObjectId, required: true },
    teamId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true, trim: true },
    template: { type: String, required: true, default: 'blank' },
    status: { type: String, required: true, enum: ['active', 'archived'], default: 'active' },
    /**
     * The newest version, kept here for the plan list, which would otherwise
     * read every version's whole content (see versions/head.ts). Null: none
     * yet; missing: a plan stored before this field, filled in when listed.
     */
    latestVersion: {
      type: {
        id: { type: Schema.Types.ObjectId, required: true },
        number: { type: Number, required: true },
        label: { type: String, required: true },
        createdAt: { type: Date, required: true },
      },
      default: null,
      _id: false,
    },
    /**
     * The newest check-in of each kind, kept for the plan list like
     * `latestVersion`. Null: none yet; missing: a plan stored before it was
     * kept, filled in from its check-ins when listed.
     */
    latestCheckIns: Object.fromEntries(INSTRUMENTS.map((i) => [i, checkInHead()])) as Record<
      (typeof INSTRUMENTS)[number],
      ReturnType<typeof checkInHead>
    >,
  },
  { timestamps: true },
);
PlanSchema.index({ patientId: 1 }, { unique: true });
PlanSchema.index({ teamId: 1 });

export type PlanDoc = InferSchemaType<typeof PlanSchema>;
export type PlanModel = Model<PlanDoc>;

export function planModel(conn: Connection): PlanModel {
  return (conn.models.Plan as PlanModel | undefined) ?? conn.model('Plan', PlanSchema);
}
