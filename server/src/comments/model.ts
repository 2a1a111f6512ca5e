import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ROLES } from '@tandem/shared';

/** Comments on plan goals. A thread is its first comment plus the replies naming it in `threadId`. */
const CommentSchema = new Schema(
  {
    planId: { type: Schema.Types.ObjectId, required: true },
    goalId: { type: String, required: true },
    threadId: { type: Schema.Types.ObjectId, default: null },
    /** On a thread's first comment: the goal's title when it was written (Comment.goalTitle). */
    goalTitle: { type: String, default: null },
    authorId: { type: Schema.Types.ObjectId, required: true },
    authorName: { type: String, required: true },
    authorRole: { type: String, required: true, enum: ROLES },
    body: { type: String, required: true },
    mentions: { type: [String], default: [] },
    editedAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    resolvedBy: { type: String, default: null },
    /**
     * On a thread's first comment: the role of whoever wrote last in the thread, and
     * when, so the plan list sees who waits for whom without reading the replies.
     * Null on replies, and on threads stored before it was kept (their replies are read).
     */
    lastAuthorRole: { type: String, enum: ROLES, default: null },
    lastCommentAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
CommentSchema.index({ planId: 1, createdAt: 1 });
// A thread's replies.
CommentSchema.index({ threadId: 1 });

export type CommentDoc = InferSchemaType<typeof CommentSchema> & { createdAt: Date };
export type CommentModel = Model<CommentDoc>;

export function commentModel(conn: Connection): CommentModel {
  return (conn.models.Comment as CommentModel | undefined) ?? conn.model('Comment', CommentSchema);
}
