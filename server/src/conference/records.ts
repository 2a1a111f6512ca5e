import { Types } from 'mongoose';
import type { z } from 'zod';
import type {
  ActionItem,
  ActionItemStatus,
  ConferenceDecision,
  ConferenceRecords,
  CreateActionItemRequest,
  CreateDecisionRequest,
  MedicationChange,
  PlanConferenceSummary,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type RequestMeta } from '../authz/authorize.ts';
import { badRequest, notFound } from '../errors.ts';
import { teamModel } from '../teams/model.ts';
import { userModel } from '../users/model.ts';
import { proposalService } from '../proposals/service.ts';
import {
  actionItemModel,
  conferenceModel,
  conferenceDecisionModel,
  type ActionItemDoc,
  type DecisionDoc,
  type StoredCase,
  type StoredConference,
} from './model.ts';
import { auditBase, resolveCase, resolveViewer, type Viewer } from './access.ts';
import { audienceRoom, type Audience } from './views.ts';
import { unchanged, type StateLog } from './state.ts';
import { whileLive } from './lifecycle.ts';

type StoredDecision = DecisionDoc & { _id: Types.ObjectId };
type StoredActionItem = ActionItemDoc & { _id: Types.ObjectId };

export function decisionDto(d: StoredDecision): ConferenceDecision {
  return {
    id: String(d._id),
    conferenceId: String(d.conferenceId),
    caseId: d.caseId,
    planId: String(d.planId),
    text: d.text,
    medicationChange: (d.medicationChange as MedicationChange | null) ?? null,
    proposalId: d.proposalId ?? null,
    createdBy: { id: d.createdBy.id, name: d.createdBy.name },
    createdAt: d.createdAt.toISOString(),
  };
}

/** What a patient's copy of a decision with a medication change adds to the team's words. */
const PRESCRIBER_DECIDES = ' (a change to your medicines that your prescriber will decide on)';

/**
 * A decision as an audience may read it. Its medication change is a proposal,
 * the care team's until the prescriber accepts it into the plan (a patient is
 * refused the proposals list), so a patient's copy keeps the team's words,
 * says that the prescriber has yet to decide, and drops the change and the
 * proposal it opened.
 */
export function decisionFor(d: ConferenceDecision, audience: Audience['kind']): ConferenceDecision {
  if (audience === 'team') return d;
  const text = d.medicationChange ? `${d.text}${PRESCRIBER_DECIDES}` : d.text;
  return { ...d, text, medicationChange: null, proposalId: null };
}

export function actionItemDto(a: StoredActionItem): ActionItem {
  return {
    id: String(a._id),
    conferenceId: String(a.conferenceId),
    conferenceTitle: a.conferenceTitle,
    caseId: a.caseId,
    planId: String(a.planId),
    patient: { id: String(a.patientId), name: a.patientName },
    text: a.text,
    owner: { id: String(a.ownerId), name: a.ownerName },
    dueDate: a.dueDate,
    status: a.status as ActionItemStatus,
    createdBy: { id: a.createdBy.id, name: a.createdBy.name },
    createdAt: a.createdAt.toISOString(),
    completedAt: a.completedAt ? a.completedAt.toISOString() : null,
  };
}

/** The audiences that may see a record about `kase`: the team, and its patient when invited. */
function audiencesFor(kase: StoredCase): Audience[] {
  const out: Audience[] = [{ kind: 'team' }];
  if (kase.patientInvited) out.push({ kind: 'patient', caseId: String(kase._id), userId: '' });
  return out;
}

/** Cases a patient took part in, by conference: what their lists may show. */
async function invitedCases(ctx: AppContext, userId: string, conferenceIds: string[]) {
  const rows = await conferenceModel(ctx.conn)
    .find({ _id: { $in: conferenceIds }, invitedUserIds: userId }, { cases: 1 })
    .lean<Pick<StoredConference, '_id' | 'cases'>[]>();
  const out = new Set<string>();
  for (const c of rows) {
    for (const k of c.cases as StoredCase[]) {
      if (k.patientInvited && String(k.patientUserId) === userId) out.add(String(k._id));
    }
  }
  return out;
}

/** Decisions and action items captured in conferences, and where they land. */
export function conferenceRecords(ctx: AppContext, log: StateLog) {
  const Decisions = conferenceDecisionModel(ctx.conn);
  const Items = actionItemModel(ctx.conn);
  const proposals = proposalService(ctx);

  /**
   * A record is taken while live: it claims a revision of the state log
   * (lifecycle.ts), so one that wins is ordered before the end, and one that
   * loses writes nothing.
   */
  async function claimLive(viewer: Viewer) {
    await log.append(
      viewer.conference,
      whileLive(unchanged, 'Decisions and action items are captured while live.'),
    );
  }

  return {
    /**
     * Records a decision on a case. One that changes medication becomes a
     * proposal on the case's plan for the prescriber to accept or decline,
     * and only one who may propose directly may record it (not a coordinator);
     * the proposal is made first, so a refused change records nothing.
     */
    async decide(
      user: AuthUser,
      conferenceId: string,
      caseId: string,
      input: z.output<typeof CreateDecisionRequest>,
      meta: RequestMeta,
    ): Promise<ConferenceDecision> {
      const { viewer, kase } = await resolveCase(
        ctx,
        user,
        conferenceId,
        caseId,
        'conference.record',
        meta,
      );
      await claimLive(viewer);
      const planId = String(kase.planId);
      const proposal = input.medicationChange
        ? await proposals.propose(
            { type: 'conference', conferenceId, recordedBy: user },
            planId,
            { change: input.medicationChange, rationale: input.text },
            meta,
          )
        : null;
      const created = await Decisions.create({
        conferenceId,
        caseId,
        planId,
        teamId: viewer.conference.teamId,
        text: input.text,
        medicationChange: input.medicationChange ?? null,
        proposalId: proposal?.id ?? null,
        createdBy: { id: user.id, name: user.name },
      });
      const dto = decisionDto(created.toObject() as StoredDecision);
      await ctx.audit.record({
        ...auditBase(viewer, meta),
        action: 'conference.decision.create',
        patientId: String(kase.patientId),
        details: { caseId, proposalId: dto.proposalId },
      });
      // Each audience gets its own copy: the patient's without the proposal.
      for (const a of audiencesFor(kase)) {
        ctx.realtime.toRooms([audienceRoom(conferenceId, a)], 'conference:record', {
          conferenceId,
          type: 'decision',
          decision: decisionFor(dto, a.kind),
        });
      }
      return dto;
    },

    /** Records an action item on a case; its owner must be on the care team. */
    async assign(
      user: AuthUser,
      conferenceId: string,
      caseId: string,
      input: z.output<typeof CreateActionItemRequest>,
      meta: RequestMeta,
    ): Promise<ActionItem> {
      const { viewer, kase } = await resolveCase(
        ctx,
        user,
        conferenceId,
        caseId,
        'conference.record',
        meta,
      );
      const team = await teamModel(ctx.conn).findById(viewer.conference.teamId).lean();
      const member = team?.members.find((m) => String(m.userId) === input.ownerId);
      const owner = member ? await userModel(ctx.conn).findById(input.ownerId).lean() : null;
      if (!owner) throw badRequest('The owner of an action item must be on this care team.');
      await claimLive(viewer);
      const created = await Items.create({
        conferenceId,
        conferenceTitle: viewer.conference.title,
        caseId,
        planId: kase.planId,
        teamId: viewer.conference.teamId,
        patientId: kase.patientId,
        patientName: kase.patientName,
        text: input.text,
        ownerId: owner._id,
        ownerName: owner.name,
        dueDate: input.dueDate,
        createdBy: { id: user.id, name: user.name },
      });
      const dto = actionItemDto(created.toObject() as StoredActionItem);
      await ctx.audit.record({
        ...auditBase(viewer, meta),
        action: 'conference.action_item.create',
        patientId: String(kase.patientId),
        details: { caseId, actionItemId: dto.id },
      });
      const rooms = audiencesFor(kase).map((a) => audienceRoom(conferenceId, a));
      ctx.realtime.toRooms(rooms, 'conference:record', {
        conferenceId,
        type: 'action-item',
        actionItem: dto,
      });
      return dto;
    },

    /** The decisions and action items of a conference the caller may see. */
    async list(
      user: AuthUser,
      conferenceId: string,
      meta: RequestMeta,
    ): Promise<ConferenceRecords> {
      const viewer = await resolveViewer(ctx, user, conferenceId, 'conference.attend', meta);
      const only = viewer.kind === 'patient' ? { caseId: viewer.caseId } : {};
      const [decisions, items] = await Promise.all([
        Decisions.find({ conferenceId, ...only })
          .sort({ createdAt: 1 })
          .lean<StoredDecision[]>(),
        Items.find({ conferenceId, ...only })
          .sort({ createdAt: 1 })
          .lean<StoredActionItem[]>(),
      ]);
      await ctx.audit.record({ ...auditBase(viewer, meta), action: 'conference.records.read' });
      return {
        decisions: decisions.map((d) => decisionFor(decisionDto(d), viewer.kind)),
        actionItems: items.map(actionItemDto),
      };
    },

    /** A plan's action items, for its workspace. A patient sees those of cases they joined. */
    async forPlan(user: AuthUser, planId: string, meta: RequestMeta): Promise<ActionItem[]> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      let rows = await Items.find({ planId })
        .sort({ dueDate: 1, createdAt: 1 })
        .lean<StoredActionItem[]>();
      if (scope.role === 'patient') {
        const cases = await invitedCases(ctx, user.id, [
          ...new Set(rows.map((r) => String(r.conferenceId))),
        ]);
        rows = rows.filter((r) => cases.has(r.caseId));
      }
      await ctx.audit.record({
        actorId: user.id,
        actorRole: scope.role,
        action: 'action_item.list',
        outcome: 'success',
        resourceType: 'plan',
        resourceId: planId,
        patientId: scope.patientId,
        teamId: scope.teamId,
        requestId: meta.requestId ?? null,
        ip: meta.ip ?? null,
        details: { count: rows.length },
      });
      return rows.map(actionItemDto);
    },

    /** The caller's own action items, open first then by due date, on teams they still belong to. */
    async mine(user: AuthUser, meta: RequestMeta): Promise<ActionItem[]> {
      if (user.role === 'patient') return [];
      const teams = await teamModel(ctx.conn)
        .find({ 'members.userId': user.id }, { _id: 1 })
        .lean();
      const rows = await Items.find({
        ownerId: user.id,
        teamId: { $in: teams.map((t) => t._id) },
      })
        .sort({ dueDate: 1 })
        .limit(500)
        .lean<StoredActionItem[]>();
      await ctx.audit.record({
        actorId: user.id,
        actorRole: user.role,
        action: 'action_item.list',
        outcome: 'success',
        resourceType: 'action_item',
        requestId: meta.requestId ?? null,
        ip: meta.ip ?? null,
        details: { count: rows.length, own: true },
      });
      return rows
        .map(actionItemDto)
        .sort((a, b) => Number(a.status === 'done') - Number(b.status === 'done'));
    },

    /** Ticks an action item off (or reopens it); anyone on the plan's care team may. */
    async setStatus(
      user: AuthUser,
      itemId: string,
      status: ActionItemStatus,
      meta: RequestMeta,
    ): Promise<ActionItem> {
      if (!Types.ObjectId.isValid(itemId)) throw notFound('No such action item.');
      const item = await Items.findById(itemId).lean<StoredActionItem>();
      if (!item) throw notFound('No such action item.');
      const scope = await authorizePlan(
        ctx,
        user,
        { action: 'conference.record' },
        String(item.planId),
        meta,
      );
      const updated = await Items.findOneAndUpdate(
        { _id: item._id },
        {
          $set: { status, completedAt: status === 'done' ? new Date(ctx.clock.now()) : null },
        },
        { new: true },
      ).lean<StoredActionItem>();
      if (!updated) throw notFound('No such action item.');
      await ctx.audit.record({
        actorId: user.id,
        actorRole: scope.role,
        action: 'action_item.update',
        outcome: 'success',
        resourceType: 'action_item',
        resourceId: itemId,
        patientId: scope.patientId,
        teamId: scope.teamId,
        requestId: meta.requestId ?? null,
        ip: meta.ip ?? null,
        details: { status },
      });
      return actionItemDto(updated);
    },

    /** Ended conferences that discussed this plan, each linking to its minutes: the plan's history. */
    async summariesForPlan(
      user: AuthUser,
      planId: string,
      meta: RequestMeta,
    ): Promise<PlanConferenceSummary[]> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      const rows = await conferenceModel(ctx.conn)
        .find({ planIds: planId, status: 'ended' })
        .sort({ endedAt: -1 })
        .limit(200)
        .lean<StoredConference[]>();
      const out: PlanConferenceSummary[] = [];
      for (const c of rows) {
        const kase = (c.cases as StoredCase[]).find((k) => String(k.planId) === planId);
        if (!kase) continue;
        if (scope.role === 'patient' && !kase.patientInvited) continue;
        const caseId = String(kase._id);
        const id = String(c._id);
        out.push({
          conferenceId: id,
          caseId,
          title: c.title,
          startedAt: c.startedAt ? c.startedAt.toISOString() : null,
          endedAt: c.endedAt!.toISOString(),
          reason: kase.reason,
          decisions: await Decisions.countDocuments({ conferenceId: c._id, caseId }),
          actionItems: await Items.countDocuments({ conferenceId: c._id, caseId }),
          href: `/conferences/${id}/minutes#case-${caseId}`,
          markdownHref: `/api/v1/conferences/${id}/minutes.md`,
        });
      }
      await ctx.audit.record({
        actorId: user.id,
        actorRole: scope.role,
        action: 'conference.summaries.read',
        outcome: 'success',
        resourceType: 'plan',
        resourceId: planId,
        patientId: scope.patientId,
        teamId: scope.teamId,
        requestId: meta.requestId ?? null,
        ip: meta.ip ?? null,
        details: { count: out.length },
      });
      return out;
    },
  };
}

export type ConferenceRecordService = ReturnType<typeof conferenceRecords>;
