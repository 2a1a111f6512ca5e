import type { Types } from 'mongoose';
import type { Notification, NotificationList } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { notificationModel, type NotificationDoc } from './model.ts';

export type NewNotification = Omit<NotificationDoc, 'readAt' | 'createdAt' | 'userId'>;

function toDto(n: NotificationDoc & { _id: Types.ObjectId }): Notification {
  return {
    id: String(n._id),
    type: n.type as Notification['type'],
    planId: String(n.planId),
    patientName: n.patientName,
    commentId: String(n.commentId),
    goalId: n.goalId,
    actor: { id: n.actorId, name: n.actorName },
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}

/** Stores one notification per recipient and pushes it to their open sockets. */
export async function notify(
  ctx: AppContext,
  recipients: Iterable<string>,
  n: NewNotification,
): Promise<void> {
  const unique = [...new Set(recipients)];
  if (unique.length === 0) return;
  const docs = await notificationModel(ctx.conn).insertMany(
    unique.map((userId) => ({ ...n, userId })),
  );
  for (const d of docs) {
    ctx.realtime.toUser(String(d.userId), 'notification:new', toDto(d.toObject()));
  }
}

export async function listNotifications(
  ctx: AppContext,
  user: AuthUser,
  limit = 50,
): Promise<NotificationList> {
  const Notifications = notificationModel(ctx.conn);
  const [items, unread] = await Promise.all([
    Notifications.find({ userId: user.id }).sort({ createdAt: -1 }).limit(limit).lean(),
    Notifications.countDocuments({ userId: user.id, readAt: null }),
  ]);
  return { unread, items: items.map(toDto) };
}

/** Marks the caller's own notifications read; ids of other people's notifications change nothing. */
export async function markRead(
  ctx: AppContext,
  user: AuthUser,
  sel: { ids?: string[] | undefined; all?: boolean | undefined },
): Promise<number> {
  const filter = sel.all
    ? { userId: user.id, readAt: null }
    : { userId: user.id, readAt: null, _id: { $in: sel.ids ?? [] } };
  const res = await notificationModel(ctx.conn).updateMany(filter, {
    $set: { readAt: new Date(ctx.clock.now()) },
  });
  return res.modifiedCount;
}
