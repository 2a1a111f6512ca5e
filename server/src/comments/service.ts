import { Types } from 'mongoose';
import type { Comment, CommentThread, Role } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import {
  authorizePlan,
  refuseInPlan,
  type PlanScope,
  type RequestMeta,
} from '../authz/authorize.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { announceStanding, careCircle } from '../plans/circle.ts';
import { goalTitleOf } from '../plans/content.ts';
import { notify, settleThreadNews } from '../notifications/service.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { commentModel, type CommentDoc } from './model.ts';

type StoredComment = CommentDoc & { _id: Types.ObjectId };

function toDto(c: StoredComment): Comment {
  return {
    id: String(c._id),
    planId: String(c.planId),
    goalId: c.goalId,
    threadId: String(c.threadId ?? c._id),
    goalTitle: c.goalTitle ?? null,
    author: { id: String(c.authorId), name: c.authorName, role: c.authorRole as Role },
    body: c.body,
    mentions: c.mentions,
    createdAt: c.createdAt.toISOString(),
    editedAt: c.editedAt ? c.editedAt.toISOString() : null,
    resolvedAt: c.resolvedAt ? c.resolvedAt.toISOString() : null,
    resolvedBy: c.resolvedBy ?? null,
  };
}

const auditComment = (
  ctx: AppContext,
  user: AuthUser,
  scope: PlanScope,
  action: string,
  commentId: string,
  meta: RequestMeta,
) =>
  auditPlanEvent(
    ctx,
    user,
    scope,
    { action, resourceType: 'comment', resourceId: commentId },
    meta,
  );

export type CommentService = ReturnType<typeof commentService>;

export function commentService(ctx: AppContext) {
  const Comments = commentModel(ctx.conn);

  async function mentionable(scope: PlanScope, mentions: string[], authorId: string) {
    const circle = await careCircle(ctx, scope);
    const outside = mentions.filter((id) => !circle.has(id));
    if (outside.length > 0) throw badRequest('Only people on this care team can be mentioned.');
    return { circle, mentioned: mentions.filter((id) => id !== authorId) };
  }

  /** Notifies of comment `c` in the thread that starts with `root` (itself, for a new thread). */
  async function deliver(
    scope: PlanScope,
    user: AuthUser,
    c: StoredComment,
    root: StoredComment,
    recipients: { mentioned: string[]; others: string[]; othersType: 'patient_comment' | 'reply' },
  ) {
    const base = {
      planId: c.planId,
      patientName: scope.patientName,
      commentId: c._id,
      goalId: c.goalId,
      // The goal is named as the conversation named it; the comment's words stay in the plan.
      goalTitle: root.goalTitle ?? null,
      actorId: user.id,
      actorName: user.name,
    };
    await notify(ctx, recipients.mentioned, { ...base, type: 'mention' });
    const others = recipients.others.filter(
      (id) => id !== user.id && !recipients.mentioned.includes(id),
    );
    await notify(ctx, others, { ...base, type: recipients.othersType });
  }

  /** The ids of a thread's comments: its first and the replies. */
  const threadCommentIds = async (root: StoredComment): Promise<Types.ObjectId[]> =>
    Comments.distinct('_id', { $or: [{ _id: root._id }, { threadId: root._id }] });

  async function loadInPlan(planId: string, commentId: string): Promise<StoredComment> {
    if (!Types.ObjectId.isValid(commentId)) throw notFound('No such comment.');
    const c = await Comments.findOne({ _id: commentId, planId }).lean<StoredComment>();
    if (!c) throw notFound('No such comment.');
    return c;
  }

  return {
    async list(
      user: AuthUser,
      planId: string,
      goalId: string | undefined,
      meta: RequestMeta,
    ): Promise<CommentThread[]> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      const rows = await Comments.find({ planId, ...(goalId ? { goalId } : {}) })
        .sort({ createdAt: 1 })
        .lean<StoredComment[]>();
      await auditPlanEvent(
        ctx,
        user,
        scope,
        {
          action: 'comment.list',
          resourceType: 'plan',
          resourceId: planId,
          details: { count: rows.length },
        },
        meta,
      );
      const threads = new Map<string, CommentThread>();
      for (const c of rows) {
        const dto = toDto(c);
        const thread = threads.get(dto.threadId);
        if (thread) thread.comments.push(dto);
        else
          threads.set(dto.threadId, {
            id: dto.threadId,
            goalId: dto.goalId,
            goalTitle: dto.goalTitle,
            resolvedAt: dto.resolvedAt,
            comments: [dto],
          });
      }
      return [...threads.values()].filter((t) => t.comments[0]!.id === t.id);
    },

    async create(
      user: AuthUser,
      planId: string,
      input: { goalId: string; body: string; mentions: string[] },
      meta: RequestMeta,
    ): Promise<Comment> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.comment' }, planId, meta);
      const { circle, mentioned } = await mentionable(scope, input.mentions, user.id);
      const created = await Comments.create({
        planId,
        goalId: input.goalId,
        goalTitle: await goalTitleOf(ctx, planId, input.goalId),
        authorId: user.id,
        authorName: user.name,
        authorRole: scope.role,
        body: input.body,
        mentions: mentioned,
        lastAuthorRole: scope.role,
      });
      const c = created.toObject() as StoredComment;
      await auditComment(ctx, user, scope, 'comment.create', String(c._id), meta);
      const dto = toDto(c);
      ctx.realtime.toPlan(planId, 'comment:created', dto);
      await announceStanding(ctx, scope);
      // A patient's comment is news for the whole care team.
      const team = [...circle].filter(([, role]) => role !== 'patient').map(([id]) => id);
      await deliver(scope, user, c, c, {
        mentioned,
        others: scope.role === 'patient' ? team : [],
        othersType: 'patient_comment',
      });
      return dto;
    },

    async reply(
      user: AuthUser,
      planId: string,
      threadId: string,
      input: { body: string; mentions: string[] },
      meta: RequestMeta,
    ): Promise<Comment> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.comment' }, planId, meta);
      const root = await loadInPlan(planId, threadId);
      if (root.threadId) throw badRequest('Reply to the first comment of a thread.');
      const { circle, mentioned } = await mentionable(scope, input.mentions, user.id);
      const created = await Comments.create({
        planId,
        goalId: root.goalId,
        threadId: root._id,
        authorId: user.id,
        authorName: user.name,
        authorRole: scope.role,
        body: input.body,
        mentions: mentioned,
      });
      const c = created.toObject() as StoredComment;
      // The thread's first comment keeps who wrote last; of two replies at once, the later.
      await Comments.updateOne(
        {
          _id: root._id,
          $or: [{ lastCommentAt: null }, { lastCommentAt: { $lte: c.createdAt } }],
        },
        { $set: { lastAuthorRole: scope.role, lastCommentAt: c.createdAt } },
      );
      await auditComment(ctx, user, scope, 'comment.reply', String(c._id), meta);
      await settleThreadNews(ctx, user.id, await threadCommentIds(root));
      const dto = toDto(c);
      ctx.realtime.toPlan(planId, 'comment:created', dto);
      await announceStanding(ctx, scope);
      // Those who wrote in the thread and are still in the plan's care circle: someone who
      // left the team hears nothing more of the patient.
      const participants = (
        await Comments.distinct('authorId', {
          planId,
          $or: [{ _id: root._id }, { threadId: root._id }],
        })
      )
        .map(String)
        .filter((id) => circle.has(id));
      const team = [...circle].filter(([, role]) => role !== 'patient').map(([id]) => id);
      await deliver(scope, user, c, root, {
        mentioned,
        others: scope.role === 'patient' ? [...new Set([...team, ...participants])] : participants,
        othersType: scope.role === 'patient' ? 'patient_comment' : 'reply',
      });
      return dto;
    },

    async edit(
      user: AuthUser,
      planId: string,
      commentId: string,
      body: string,
      meta: RequestMeta,
    ): Promise<Comment> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.comment' }, planId, meta);
      const c = await loadInPlan(planId, commentId);
      if (String(c.authorId) !== user.id)
        await refuseInPlan(
          ctx,
          user,
          scope,
          { resourceType: 'comment', resourceId: commentId, reason: 'not_author' },
          'Only the author can edit a comment.',
          meta,
        );
      const updated = await Comments.findOneAndUpdate(
        { _id: c._id },
        { $set: { body, editedAt: new Date(ctx.clock.now()) } },
        { new: true },
      ).lean<StoredComment>();
      await auditComment(ctx, user, scope, 'comment.edit', commentId, meta);
      const dto = toDto(updated!);
      ctx.realtime.toPlan(planId, 'comment:updated', dto);
      return dto;
    },

    async setResolved(
      user: AuthUser,
      planId: string,
      threadId: string,
      resolved: boolean,
      meta: RequestMeta,
    ): Promise<Comment> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.comment' }, planId, meta);
      const root = await loadInPlan(planId, threadId);
      if (root.threadId) throw badRequest('Only a thread (its first comment) can be resolved.');
      // The state is checked in the update itself: of two people resolving at once, one does.
      const updated = await Comments.findOneAndUpdate(
        { _id: root._id, resolvedAt: resolved ? null : { $ne: null } },
        {
          $set: resolved
            ? { resolvedAt: new Date(ctx.clock.now()), resolvedBy: user.id }
            : // Reopening asks for an answer, as a new comment would.
              { resolvedAt: null, resolvedBy: null, lastAuthorRole: scope.role },
        },
        { new: true },
      ).lean<StoredComment>();
      if (!updated)
        throw conflict(
          resolved ? 'already_resolved' : 'not_resolved',
          resolved ? 'This thread is already resolved.' : 'This thread is open.',
        );
      await auditComment(
        ctx,
        user,
        scope,
        resolved ? 'comment.resolve' : 'comment.reopen',
        threadId,
        meta,
      );
      if (resolved) await settleThreadNews(ctx, user.id, await threadCommentIds(root));
      const dto = toDto(updated);
      ctx.realtime.toPlan(planId, 'comment:updated', dto);
      await announceStanding(ctx, scope);
      return dto;
    },
  };
}
