import { checkInteractions, type PlanInteraction } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type RequestMeta } from '../authz/authorize.ts';
import { conflict } from '../errors.ts';
import { readPlanSnapshot } from '../plans/content.ts';
import { interactionAckModel } from './model.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

export function interactionService(ctx: AppContext) {
  const Acks = interactionAckModel(ctx.conn);

  async function current(planId: string): Promise<PlanInteraction[]> {
    const meds = (await readPlanSnapshot(ctx, planId)).medications ?? [];
    const warnings = checkInteractions(meds);
    const acks = await Acks.find({ planId, key: { $in: warnings.map((w) => w.key) } }).lean();
    const byKey = new Map(acks.map((a) => [a.key, a]));
    return warnings.map((w) => {
      const a = byKey.get(w.key);
      return {
        ...w,
        acknowledged: a
          ? { by: { id: a.by.id, name: a.by.name }, at: a.at.toISOString(), reason: a.reason }
          : null,
      };
    });
  }

  return {
    /** The interaction warnings of the plan's current medications, with any acknowledgement. */
    async list(user: AuthUser, planId: string, meta: RequestMeta): Promise<PlanInteraction[]> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.history' }, planId, meta);
      const list = await current(planId);
      await auditPlanEvent(
        ctx,
        user,
        scope,
        {
          action: 'interaction.list',
          resourceType: 'plan',
          resourceId: planId,
          details: { count: list.length },
        },
        meta,
      );
      return list;
    },

    /** The prescriber keeps a flagged combination on purpose; the reason is recorded and audited. */
    async acknowledge(
      user: AuthUser,
      planId: string,
      key: string,
      reason: string,
      meta: RequestMeta,
    ): Promise<PlanInteraction> {
      const scope = await authorizePlan(ctx, user, { action: 'medication.decide' }, planId, meta);
      const warning = (await current(planId)).find((w) => w.key === key);
      if (!warning)
        throw conflict('no_such_warning', 'This combination is no longer flagged on the plan.');
      if (warning.acknowledged)
        throw conflict('already_acknowledged', 'This warning was already acknowledged.');
      const at = new Date(ctx.clock.now());
      try {
        await Acks.create({
          planId,
          key,
          ruleId: warning.rule.id,
          by: { id: user.id, name: user.name },
          reason,
          at,
        });
      } catch (err) {
        if (isDuplicateKey(err))
          throw conflict('already_acknowledged', 'This warning was already acknowledged.');
        throw err;
      }
      await auditPlanEvent(
        ctx,
        user,
        scope,
        {
          action: 'interaction.acknowledge',
          resourceType: 'plan',
          resourceId: planId,
          details: { ruleId: warning.rule.id },
        },
        meta,
      );
      const interaction: PlanInteraction = {
        ...warning,
        acknowledged: { by: { id: user.id, name: user.name }, at: at.toISOString(), reason },
      };
      ctx.realtime.toPlanTeam(planId, 'interaction:acknowledged', { planId, interaction });
      return interaction;
    },
  };
}
