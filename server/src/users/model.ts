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
    /**
     * Bumped, in the same update, whenever the password is replaced (changed or reset).
     * A session records the epoch of the hash it was created from and is valid only
     * while it is still the current one, so a sign-in that checked the old password
     * while it was being replaced gets a session that never works. Missing counts as 0.
     */
    credentialEpoch: { type: Number, default: 0 },
    /** The session that made the last change of the password, which stays signed in across it. */
    credentialSession: { type: String, default: null },
  },
  { timestamps: true },
);
UserSchema.index({ email: 1 }, { unique: true });

export type UserDoc = InferSchemaType<typeof UserSchema>;
export type UserModel = Model<UserDoc>;

export function userModel(conn: Connection): UserModel {
  return (conn.models.User as UserModel | undefined) ?? conn.model('User', UserSchema);
}
