import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** Plan metadata; the content lives in the plan's Yjs documents (see collab/). */
const PlanSchema = new Schema(
  {
    patientId: { type: Schema.Types.ObjectId, required: true },
    teamId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true, trim: true },
    template: { type: String, required: true, default: 'blank' },
    status: { type: String, required: true, enum: ['active', 'archived'], default: 'active' },
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
