import { z } from 'zod';
import { requiredText } from './text.ts';
import { ROLES } from './roles.ts';
import { ObjectIdString } from './plans.ts';
import { INSTRUMENTS } from './checkins/questionnaires.ts';

export const COMMENT_MAX_LENGTH = 4000;
const Body = requiredText(COMMENT_MAX_LENGTH);

export const CreateCommentRequest = z.strictObject({
  goalId: z.string().min(1).max(64),
  body: Body,
  /** People the author picked to notify; they must be on the plan's care team. */
  mentions: z.array(ObjectIdString).max(20).default([]),
});
export type CreateCommentRequest = z.input<typeof CreateCommentRequest>;

export const ReplyRequest = z.strictObject({
  body: Body,
  mentions: z.array(ObjectIdString).max(20).default([]),
});
export type ReplyRequest = z.input<typeof ReplyRequest>;

export const EditCommentRequest = z.strictObject({ body: Body });

export const CommentAuthor = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) });

export const Comment = z.object({
  id: z.string(),
  planId: z.string(),
  goalId: z.string(),
  /** The first comment's id; equal to `id` for the thread's first comment. */
  threadId: z.string(),
  /**
   * On a thread's first comment: the goal's title when the conversation
   * started, so that it still says what it was about once the goal is taken
   * out of the plan. Null on replies.
   */
  goalTitle: z.string().nullable(),
  author: CommentAuthor,
  body: z.string(),
  mentions: z.array(z.string()),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});
export type Comment = z.infer<typeof Comment>;

export const CommentThread = z.object({
  id: z.string(),
  goalId: z.string(),
  goalTitle: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  comments: z.array(Comment),
});
export type CommentThread = z.infer<typeof CommentThread>;

export const NOTIFICATION_TYPES = [
  'mention',
  'patient_comment',
  'reply',
  /** The prescriber signed a version: the therapist co-signs it, the patient reviews it. */
  'version_signed',
  /** A medication change waits for the prescriber's decision. */
  'proposal_opened',
  /** The prescriber decided a change the recipient proposed. */
  'proposal_accepted',
  'proposal_declined',
  /** The patient completed a check-in: to the clinicians who follow check-ins up. */
  'check_in_submitted',
  /** The check-in reported thoughts of self-harm: a clinician follows up. */
  'check_in_safety',
  /** A clinician followed up that answer: the others told of it need not. */
  'check_in_followed_up',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const Notification = z.object({
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  planId: z.string(),
  patientName: z.string(),
  /** The comment and its goal, for the comment types; null for the others. */
  commentId: z.string().nullable(),
  goalId: z.string().nullable(),
  /**
   * For the comment types, the goal's title when the conversation started
   * ("commented on “Sleep 7 hours”"); null when it had none, and on the others.
   */
  goalTitle: z.string().nullable(),
  /** The version signed, for `version_signed`. */
  version: z.number().nullable(),
  /** The check-in, for the check-in types. */
  checkInId: z.string().nullable(),
  /** The check-in's form, for the check-in types: "completed a mood check-in". */
  instrument: z.enum(INSTRUMENTS).nullable(),
  actor: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z.object({
  unread: z.number(),
  items: z.array(Notification),
});
export type NotificationList = z.infer<typeof NotificationList>;

export const MarkReadRequest = z.strictObject({
  ids: z.array(ObjectIdString).max(200).optional(),
  all: z.boolean().optional(),
});
