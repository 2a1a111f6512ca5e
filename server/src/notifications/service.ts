import { Types } from 'mongoose';
import {
  roleMay,
  type Action,
  type Instrument,
  type Notification,
  type NotificationList,
  type NotificationType,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { PlanScope } from '../authz/authorize.ts';
import { careCircle } from '../plans/circle.ts';
import { planModel } from '../plans/model.ts';
import { proposalModel } from '../proposals/model.ts';
import { notificationModel, type NotificationDoc } from './model.ts';

export type NewNotification = Omit<NotificationDoc, 'readAt' | 'createdAt' | 'userId'>;

function toDto(n: NotificationDoc & { _id: Types.ObjectId }): Notification {
  return {
    id: String(n._id),
    type: n.type as Notification['type'],
    planId: String(n.planId),
    patientName: n.patientName,
    commentId: n.commentId ? String(n.commentId) : null,
    goalId: n.goalId ?? null,
    goalTitle: n.goalTitle ?? null,
    version: n.version ?? null,
    checkInId: n.checkInId ? String(n.checkInId) : null,
    instrument: (n.instrument as Instrument | null | undefined) ?? null,
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

/**
 * News about a plan's version, proposals or check-ins, for the people of its care
 * circle whose role may take one of the `mayAct` actions, or for named
 * people while they are in the circle (someone who left the team hears
 * nothing more of the patient); never for the one who caused it.
 */
export async function notifyAboutPlan(
  ctx: AppContext,
  scope: PlanScope,
  actor: { id: string; name: string },
  to: { mayAct: readonly Action[] } | { userIds: string[] },
  n: {
    type: NotificationType;
    version?: number;
    checkIn?: { id: string; instrument: Instrument };
    proposalId?: string;
  },
): Promise<void> {
  const recipients = [...(await careCircle(ctx, scope))]
    .filter(([id, role]) =>
      'mayAct' in to ? to.mayAct.some((a) => roleMay(role, a)) : to.userIds.includes(id),
    )
    .map(([id]) => id);
  await notify(
    ctx,
    recipients.filter((id) => id !== actor.id),
    {
      type: n.type,
      planId: new Types.ObjectId(scope.planId),
      patientName: scope.patientName,
      actorId: actor.id,
      actorName: actor.name,
      version: n.version ?? null,
      checkInId: n.checkIn ? new Types.ObjectId(n.checkIn.id) : null,
      instrument: n.checkIn?.instrument ?? null,
      proposalId: n.proposalId ? new Types.ObjectId(n.proposalId) : null,
    },
  );
}

/** Someone who left a team keeps no news of its patients: their notifications about its plans go. */
export async function forgetTeamNews(
  ctx: AppContext,
  teamId: string,
  userId: string,
): Promise<void> {
  const plans = await planModel(ctx.conn).find({ teamId }, { _id: 1 }).lean();
  await notificationModel(ctx.conn).deleteMany({
    userId,
    planId: { $in: plans.map((p) => p._id) },
  });
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

/**
 * Marks read the unread notifications the filter picks. The people they
 * belong to learn it from the `plan:standing` news that follows the act that
 * settled them: call this before announcing it.
 */
async function settle(ctx: AppContext, filter: Record<string, unknown>): Promise<void> {
  await notificationModel(ctx.conn).updateMany(
    { ...filter, readAt: null },
    { $set: { readAt: new Date(ctx.clock.now()) } },
  );
}

/**
 * A safety answer followed up asks nothing more of anyone: its alerts are
 * read for everyone they went to (the others' pages also learn it from the
 * `check_in_followed_up` news that comes with it).
 */
export async function settleCheckInAlerts(ctx: AppContext, checkInId: string): Promise<void> {
  await settle(ctx, { checkInId: new Types.ObjectId(checkInId), type: 'check_in_safety' });
}

/**
 * Someone co-signed or acknowledged a version: it no longer waits for them,
 * nor does any version before it (the plan asks only for its latest
 * signature). Each person signs for themselves: the others are still asked.
 */
export async function settleSignatureRequests(
  ctx: AppContext,
  planId: string,
  userId: string,
  version: number,
): Promise<void> {
  await settle(ctx, {
    planId: new Types.ObjectId(planId),
    type: 'version_signed',
    userId: new Types.ObjectId(userId),
    version: { $lte: version },
  });
}

/**
 * A decided proposal waits for no prescriber any more: its requests are read
 * for everyone they went to. Requests stored before they named their proposal
 * settle once none of the plan's proposals is open.
 */
export async function settleProposalRequests(
  ctx: AppContext,
  planId: string,
  proposalId: string,
): Promise<void> {
  const open = await proposalModel(ctx.conn).exists({ planId, status: 'open' });
  await settle(ctx, {
    planId: new Types.ObjectId(planId),
    type: 'proposal_opened',
    $or: [{ proposalId: new Types.ObjectId(proposalId) }, ...(open ? [] : [{ proposalId: null }])],
  });
}

/** Someone who answers or resolves a conversation has read it: their news of its comments is settled. */
export async function settleThreadNews(
  ctx: AppContext,
  userId: string,
  commentIds: Types.ObjectId[],
): Promise<void> {
  await settle(ctx, { userId: new Types.ObjectId(userId), commentId: { $in: commentIds } });
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
