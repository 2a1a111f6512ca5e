import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ROLES } from '@tandem/shared';

export const USER_STATUSES = ['active', 'invited', 'disabled'] as const;

const UserSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true, trim: true },
    role: { type: String, required: true, enum: ROLES },
    passwordHash: { type: String, default: null },
    status: { type: String, required: true, enum: USER_STATUSES, default: 'active' },
    /** The password is a first one a coordinator was shown: the person is asked to replace it. */
    passwordChangeDue: { type: Boolean, default: false },
  },
  { timestamps: true },
);
UserSchema.index({ email: 1 }, { unique: true });

export type UserDoc = InferSchemaType<typeof UserSchema>;
export type UserModel = Model<UserDoc>;

export function userModel(conn: Connection): UserModel {
  return (conn.models.User as UserModel | undefined) ?? conn.model('User', UserSchema);
}
