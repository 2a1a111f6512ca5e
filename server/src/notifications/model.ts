import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { INSTRUMENTS, NOTIFICATION_TYPES } from '@tandem/shared';

const NotificationSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true, enum: NOTIFICATION_TYPES },
    planId: { type: Schema.Types.ObjectId, required: true },
    patientName: { type: String, required: true },
    // Comment notifications name the comment and its goal; version_signed the version.
    commentId: { type: Schema.Types.ObjectId, default: null },
    goalId: { type: String, default: null },
    // The goal's title when its conversation started: the only patient content a comment's news carries.
    goalTitle: { type: String, default: null },
    version: { type: Number, default: null },
    // Check-in notifications name the check-in and its form; null on others, and missing on older ones.
    checkInId: { type: Schema.Types.ObjectId, default: null },
    instrument: { type: String, enum: [...INSTRUMENTS, null], default: null },
    // Proposal notifications name the proposal; null on others, and missing on older ones.
    proposalId: { type: Schema.Types.ObjectId, default: null },
    actorId: { type: String, required: true },
    actorName: { type: String, required: true },
    readAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
NotificationSchema.index({ userId: 1, createdAt: -1 });
// Settling a request finds everyone's notifications of it by plan and type.
NotificationSchema.index({ planId: 1, type: 1 });

export type NotificationDoc = InferSchemaType<typeof NotificationSchema> & { createdAt: Date };
export type NotificationModel = Model<NotificationDoc>;

export function notificationModel(conn: Connection): NotificationModel {
  return (
    (conn.models.Notification as NotificationModel | undefined) ??
    conn.model('Notification', NotificationSchema)
  );
}
