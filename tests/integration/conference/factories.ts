import { Types } from 'mongoose';
import type { AppContext } from '@tandem/server/context.ts';
import { planModel } from '@tandem/server/plans/model.ts';
import { patientModel } from '@tandem/server/patients/model.ts';
import { teamModel } from '@tandem/server/teams/model.ts';
import { actionItemModel, conferenceModel, stateModel } from '@tandem/server/conference/model.ts';

/**
 * Conferences written straight to the database, for teams without a
 * coordinator to schedule one (the demo South Team) and for tests that need
 * one in a given state. A live one gets its first state revision, presented
 * by the team's first member.
 */
export async function buildConference(
  ctx: AppContext,
  opts: { teamId: string; planId: string; status?: 'scheduled' | 'live'; patientInvited?: boolean },
): Promise<{ conferenceId: string; caseId: string }> {
  const plan = await planModel(ctx.conn).findById(opts.planId).lean();
  const patient = await patientModel(ctx.conn).findById(plan!.patientId).lean();
  const team = await teamModel(ctx.conn).findById(opts.teamId).lean();
  const presenter = team!.members[0]!;
  const caseId = new Types.ObjectId();
  const status = opts.status ?? 'scheduled';
  const invited = opts.patientInvited ?? true;
  const now = new Date();
  const c = await conferenceModel(ctx.conn).create({
    teamId: opts.teamId,
    title: `Factory conference ${caseId.toHexString().slice(-6)}`,
    scheduledAt: now,
    durationMinutes: 30,
    status,
    startedAt: status === 'live' ? now : null,
    createdBy: { id: String(presenter.userId), name: 'Factory' },
    cases: [
      {
        _id: caseId,
        planId: plan!._id,
        patientId: patient!._id,
        patientUserId: patient!.userId,
        patientName: patient!.name,
        reason: 'Factory case',
        timeBoxMinutes: 10,
        patientInvited: invited,
      },
    ],
    planIds: [plan!._id],
    invitedUserIds: invited ? [patient!.userId] : [],
  });
  if (status === 'live') {
    await stateModel(ctx.conn).create({
      conferenceId: c._id,
      seq: 1,
      status: 'live',
      focus: { caseId: caseId.toHexString(), section: 'overview' },
      presenter: { id: String(presenter.userId), name: 'Factory' },
      timers: [],
      hands: [],
      at: now,
    });
  }
  return { conferenceId: String(c._id), caseId: caseId.toHexString() };
}

/** An open action item on a plan, owned by the team's first member. */
export async function buildActionItem(
  ctx: AppContext,
  opts: { teamId: string; planId: string },
): Promise<string> {
  const { conferenceId, caseId } = await buildConference(ctx, { ...opts, status: 'live' });
  const plan = await planModel(ctx.conn).findById(opts.planId).lean();
  const patient = await patientModel(ctx.conn).findById(plan!.patientId).lean();
  const team = await teamModel(ctx.conn).findById(opts.teamId).lean();
  const owner = team!.members[0]!;
  const item = await actionItemModel(ctx.conn).create({
    conferenceId,
    conferenceTitle: 'Factory conference',
    caseId,
    planId: plan!._id,
    teamId: opts.teamId,
    patientId: patient!._id,
    patientName: patient!.name,
    text: 'Factory action item',
    ownerId: owner.userId,
    ownerName: 'Factory owner',
    dueDate: '2030-01-01',
    createdBy: { id: String(owner.userId), name: 'Factory' },
  });
  return String(item._id);
}
