import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** A patient's record; `userId` is the patient's own account. */
const PatientSchema = new Schema(
  {
    teamId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true, trim: true },
    dateOfBirth: { type: String, default: null },
  },
  { timestamps: true },
);
PatientSchema.index({ userId: 1 }, { unique: true });
PatientSchema.index({ teamId: 1 });

export type PatientDoc = InferSchemaType<typeof PatientSchema>;
export type PatientModel = Model<PatientDoc>;

export function patientModel(conn: Connection): PatientModel {
  return (conn.models.Patient as PatientModel | undefined) ?? conn.model('Patient', PatientSchema);
}
