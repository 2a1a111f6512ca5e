import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { TEAM_ROLES } from '@tandem/shared';

const MemberSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    role: { type: String, required: true, enum: TEAM_ROLES },
    addedAt: { type: Date, required: true, default: () => new Date() },
  },
  { _id: false },
);

const TeamSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    members: { type: [MemberSchema], default: [] },
  },
  { timestamps: true },
);
TeamSchema.index({ name: 1 }, { unique: true });
TeamSchema.index({ 'members.userId': 1 });

export type TeamDoc = InferSchemaType<typeof TeamSchema>;
export type TeamModel = Model<TeamDoc>;
export type TeamMember = {
  userId: Types.ObjectId;
  role: (typeof TEAM_ROLES)[number];
  addedAt: Date;
};

export function teamModel(conn: Connection): TeamModel {
  return (conn.models.Team as TeamModel | undefined) ?? conn.model('Team', TeamSchema);
}
