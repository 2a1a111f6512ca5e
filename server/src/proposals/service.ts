import { Types } from 'mongoose';
import {
  checkInteractions,
  type InteractionWarning,
  type MedicationChange,
  type Proposal,
  type Role,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type PlanScope, type RequestMeta } from '../authz/authorize.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { readPlanSnapshot } from '../plans/content.ts';
import { announceStanding } from '../plans/circle.ts';
import { notifyAboutPlan, settleProposalRequests } from '../notifications/service.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { decisionModel, proposalModel, type ProposalDoc } from './model.ts';
import { applyChange, baseOf, previewChange, summarize, type ProposalBase } from './apply.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

type StoredProposal = ProposalDoc & { _id: Types.ObjectId };

function toDto(p: StoredProposal): Proposal {
  return {
    id: String(p._id),
    planId: String(p.planId),
    status: p.status,
    change: p.change as MedicationChange,
    summary: p.summary,
    rationale: p.rationale,
    proposedBy: { ...p.proposedBy, role: p.proposedBy.role as Role | 'conference' },
    source:
      p.source.type === 'conference'
        ? { type: 'conference', conferenceId: p.source.conferenceId ?? '' }
        : { type: 'person' },
    createdAt: p.createdAt.toISOString(),
    decidedBy: p.decidedBy ? { id: p.decidedBy.id, name: p.decidedBy.name } : null,
    decidedAt: p.decidedAt ? p.decidedAt.toISOString() : null,
    reason: p.reason,
  };
}

/** Who a proposal comes from: a person on the care team, or a conference decision recorded by one. */
export type ProposalAuthor =
  | { type: 'person'; user: AuthUser }
  | { type: 'conference'; conferenceId: string; recordedBy: AuthUser };

export function proposalService(ctx: AppContext) {
  const Proposals = proposalModel(ctx.conn);
  const Decisions = decisionModel(ctx.conn);

  /** Claims the right to decide; only one claim per proposal ever succeeds. */
  async function claim(p: StoredProposal, user: AuthUser, at: Date): Promise<void> {
    try {
      await Decisions.create({ proposalId: p._id, userId: user.id, at });
    } catch (err) {
      if (isDuplicateKey(err))
        throw conflict('proposal_decided', 'This proposal was decided at the same moment.');
      throw err;
    }
  }

  const audit = (
    user: AuthUser,
    scope: PlanScope,
    action: string,
    id: string,
    meta: RequestMeta,
    details?: Record<string, unknown>,
  ) =>
    auditPlanEvent(
      ctx,
      user,
      scope,
      { action, resourceType: 'medication_proposal', resourceId: id, details: details ?? null },
      meta,
    );

  const NEWS = {
    open: 'proposal_opened',
    accepted: 'proposal_accepted',
    declined: 'proposal_declined',
  } as const;

  /**
   * Tells the care team's open pages and plan lists, and notifies the one the
   * news is for: the prescribers of an open proposal, the proposer of a decision.
   */
  async function publish(scope: PlanScope, user: AuthUser, dto: Proposal): Promise<Proposal> {
    ctx.realtime.toPlanTeam(scope.planId, 'proposal:updated', dto);
    // Decided, it waits for no prescriber: their bells learn it from the standing news.
    if (dto.status !== 'open') await settleProposalRequests(ctx, scope.planId, dto.id);
    await announceStanding(ctx, scope, 'care team');
    // An open proposal is news from its author, which may be a case conference.
    const actor = { id: user.id, name: dto.status === 'open' ? dto.proposedBy.name : user.name };
    await notifyAboutPlan(
      ctx,
      scope,
      actor,
      dto.status === 'open' ? { mayAct: ['medication.decide'] } : { userIds: [dto.proposedBy.id] },
      { type: NEWS[dto.status], proposalId: dto.id },
    );
    return dto;
  }

  async function findOpen(planId: string, id: string): Promise<StoredProposal> {
    if (!Types.ObjectId.isValid(id)) throw notFound('No such proposal.');
    const p = await Proposals.findOne({ _id: id, planId }).lean<StoredProposal>();
    if (!p) throw notFound('No such proposal.');
    if (p.status !== 'open')
      throw conflict('proposal_decided', `This proposal was already ${p.status}.`);
    return p;
  }

  return {
    /**
     * Records a proposed medication change for the prescriber. A conference
     * decision comes through here too, recorded by the person who captured it,
     * who must be one who may propose: a conference is no way around the rule.
     */
    async propose(
      author: ProposalAuthor,
      planId: string,
      input: { change: MedicationChange; rationale: string },
      meta: RequestMeta,
    ): Promise<Proposal> {
      const user = author.type === 'person' ? author.user : author.recordedBy;
      const scope = await authorizePlan(ctx, user, { action: 'medication.propose' }, planId, meta);
      const current = (await readPlanSnapshot(ctx, planId)).medications ?? [];
      const created = await Proposals.create({
        planId,
        change: input.change,
        base: baseOf(current, input.change),
        summary: summarize(current, input.change),
        rationale: input.rationale,
        proposedBy:
          author.type === 'person'
            ? { id: user.id, name: user.name, role: scope.role }
            : {
                id: user.id,
                name: `Case conference (recorded by ${user.name})`,
                role: 'conference',
              },
        source:
          author.type === 'conference'
            ? { type: 'conference', conferenceId: author.conferenceId }
            : { type: 'person', conferenceId: null },
      });
      const p = created.toObject() as StoredProposal;
      await audit(user, scope, 'proposal.create', String(p._id), meta, { kind: input.change.kind });
      return publish(scope, user, toDto(p));
    },

    async list(user: AuthUser, planId: string, meta: RequestMeta): Promise<Proposal[]> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.history' }, planId, meta);
      const rows = await Proposals.find({ planId })
        .sort({ createdAt: -1 })
        .lean<StoredProposal[]>();
      await audit(user, scope, 'proposal.list', planId, meta);
      return rows.map(toDto);
    },

    /** Applies the change to the medications section as the prescriber's edit; returns new interaction warnings. */
    async accept(
      user: AuthUser,
      planId: string,
      id: string,
      decision: { reason: string; today?: string | undefined },
      meta: RequestMeta,
    ): Promise<{ proposal: Proposal; warnings: InteractionWarning[] }> {
      const { reason } = decision;
      const scope = await authorizePlan(ctx, user, { action: 'medication.decide' }, planId, meta);
      const p = await findOpen(planId, id);
      const change = p.change as MedicationChange;
      // Claim the decision first, so two prescribers cannot both apply it.
      const now = new Date(ctx.clock.now());
      const today = prescriberToday(now, decision.today);
      await claim(p, user, now);
      try {
        await ctx.planDocs.change(planId, 'medications', user.id, (doc) =>
          applyChange(doc, change, (p.base as ProposalBase | null) ?? null, user.name, today),
        );
      } catch (err) {
        await Decisions.deleteOne({ proposalId: p._id });
        throw err;
      }
      await Proposals.updateOne(
        { _id: p._id },
        {
          $set: {
            status: 'accepted',
            decidedBy: { id: user.id, name: user.name },
            decidedAt: now,
            reason: reason || null,
          },
        },
      );
      await audit(user, scope, 'proposal.accept', id, meta, { kind: change.kind });
      const after = (await readPlanSnapshot(ctx, planId)).medications ?? [];
      const dto = toDto({
        ...p,
        status: 'accepted',
        decidedBy: { id: user.id, name: user.name },
        decidedAt: now,
        reason: reason || null,
      });
      return { proposal: await publish(scope, user, dto), warnings: checkInteractions(after) };
    },

    async decline(
      user: AuthUser,
      planId: string,
      id: string,
      reason: string,
      meta: RequestMeta,
    ): Promise<Proposal> {
      const scope = await authorizePlan(ctx, user, { action: 'medication.decide' }, planId, meta);
      const p = await findOpen(planId, id);
      const now = new Date(ctx.clock.now());
      await claim(p, user, now);
      await Proposals.updateOne(
        { _id: p._id },
        {
          $set: {
            status: 'declined',
            decidedBy: { id: user.id, name: user.name },
            decidedAt: now,
            reason,
          },
        },
      );
      await audit(user, scope, 'proposal.decline', id, meta);
      const dto = toDto({
        ...p,
        status: 'declined',
        decidedBy: { id: user.id, name: user.name },
        decidedAt: now,
        reason,
      });
      return publish(scope, user, dto);
    },

    /** The interaction warnings a change would raise, before anyone accepts it. */
    async preview(user: AuthUser, planId: string, change: MedicationChange, meta: RequestMeta) {
      await authorizePlan(ctx, user, { action: 'plan.history' }, planId, meta);
      const current = (await readPlanSnapshot(ctx, planId)).medications ?? [];
      return checkInteractions(previewChange(current, change));
    },
  };
}

/**
 * The prescriber's date, which the client sends: one day either side of
 * UTC's covers every time zone. Without it (other clients), UTC's date.
 */
function prescriberToday(now: Date, sent: string | undefined): string {
  const utc = now.toISOString().slice(0, 10);
  if (!sent) return utc;
  const days = (Date.parse(sent) - Date.parse(utc)) / 86_400_000;
  if (Math.abs(days) > 1) throw badRequest('That date is not today anywhere.');
  return sent;
}
