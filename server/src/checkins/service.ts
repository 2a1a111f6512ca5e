import { Types } from 'mongoose';
import { INSTRUMENTS, type CheckIn, type CheckInList, type Instrument } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type PlanScope, type RequestMeta } from '../authz/authorize.ts';
import { conflict, notFound } from '../errors.ts';
import { announceStanding } from '../plans/circle.ts';
import { notifyAboutPlan, settleCheckInAlerts } from '../notifications/service.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { checkInModel, type StoredCheckIn } from './model.ts';
import { recordLatest } from './latest.ts';
import { alreadyFollowedUp, appendCheckIn, planCheckIns, recordFollowUp, toDto } from './store.ts';

export function checkInService(ctx: AppContext) {
  const CheckIns = checkInModel(ctx.conn);

  // Audit details name the form at most: answers, scores and notes are clinical content.
  const audit = (
    user: AuthUser,
    scope: PlanScope,
    action: string,
    id: string,
    meta: RequestMeta,
    instrument?: Instrument,
  ) =>
    auditPlanEvent(
      ctx,
      user,
      scope,
      {
        action,
        resourceType: 'check_in',
        resourceId: id,
        details: instrument ? { instrument } : null,
      },
      meta,
    );

  /**
   * Tells the care team's open pages (with the follow-up note) and the
   * patient's (without), and asks the plan lists that change to read again.
   */
  async function publish(
    scope: PlanScope,
    c: StoredCheckIn,
    lists: 'everyone' | 'care team',
  ): Promise<CheckIn> {
    const dto = toDto(c, { withNote: true });
    ctx.realtime.toPlanTeam(scope.planId, 'checkin:updated', dto);
    ctx.realtime.toUser(scope.patientUserId, 'checkin:updated', toDto(c, { withNote: false }));
    await announceStanding(ctx, scope, lists);
    return dto;
  }

  return {
    /** A plan's check-ins, newest first; the patient reads who followed up and when, not the note. */
    async list(user: AuthUser, planId: string, meta: RequestMeta): Promise<CheckInList> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      const rows = await planCheckIns(ctx, planId);
      // A submission that stopped before recording itself on the plan is mended here.
      await Promise.all(
        INSTRUMENTS.map((instrument) => {
          const newest = rows.find((r) => r.instrument === instrument);
          return newest && recordLatest(ctx, planId, newest);
        }),
      );
      await audit(user, scope, 'checkin.list', planId, meta);
      const withNote = scope.role !== 'patient';
      return { items: rows.map((r) => toDto(r, { withNote })) };
    },

    /** The patient completes a questionnaire on their own plan; the server scores it. */
    async submit(
      user: AuthUser,
      planId: string,
      input: { instrument: Instrument; answers: number[]; difficulty: number | null },
      meta: RequestMeta,
    ): Promise<CheckIn> {
      const scope = await authorizePlan(ctx, user, { action: 'checkin.submit' }, planId, meta);
      const c = await appendCheckIn(ctx, {
        planId,
        ...input,
        submittedBy: { id: user.id, name: user.name },
        submittedAt: new Date(ctx.clock.now()),
      });
      const id = String(c._id);
      await audit(user, scope, 'checkin.submit', id, meta, c.instrument);
      const dto = await publish(scope, c, 'everyone');
      await notifyAboutPlan(
        ctx,
        scope,
        { id: user.id, name: user.name },
        { mayAct: ['checkin.follow_up'] },
        {
          type: c.safety ? 'check_in_safety' : 'check_in_submitted',
          checkIn: { id, instrument: c.instrument },
        },
      );
      return dto;
    },

    /** A prescriber or therapist records how they followed up a safety answer; only one ever does. */
    async followUp(
      user: AuthUser,
      planId: string,
      id: string,
      note: string,
      meta: RequestMeta,
    ): Promise<CheckIn> {
      const scope = await authorizePlan(ctx, user, { action: 'checkin.follow_up' }, planId, meta);
      if (!Types.ObjectId.isValid(id)) throw notFound('No such check-in.');
      const c = await CheckIns.findOne({ _id: id, planId }).lean<StoredCheckIn>();
      if (!c) throw notFound('No such check-in.');
      if (!c.safety)
        throw conflict(
          'check_in_not_flagged',
          'This check-in reported no thoughts of self-harm: there is nothing to follow up.',
        );
      if (c.followUp) throw alreadyFollowedUp();
      const done = await recordFollowUp(ctx, c, {
        by: { id: user.id, name: user.name },
        at: new Date(ctx.clock.now()),
        note,
      });
      await audit(user, scope, 'checkin.follow_up', id, meta, c.instrument);
      await settleCheckInAlerts(ctx, id);
      await notifyAboutPlan(
        ctx,
        scope,
        { id: user.id, name: user.name },
        { mayAct: ['checkin.follow_up'] },
        { type: 'check_in_followed_up', checkIn: { id, instrument: c.instrument } },
      );
      // The patient's plan list does not count follow-ups: only the care team's changes.
      return publish(scope, done, 'care team');
    },
  };
}
