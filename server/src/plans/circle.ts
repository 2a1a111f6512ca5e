import { userRoom, type Role } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { PlanScope } from '../authz/authorize.ts';
import { teamModel } from '../teams/model.ts';

/** Everyone who may open the plan: its care team's members with their roles, and the patient. */
export async function careCircle(ctx: AppContext, scope: PlanScope): Promise<Map<string, Role>> {
  const team = await teamModel(ctx.conn).findById(scope.teamId).lean();
  const circle = new Map<string, Role>();
  for (const m of team?.members ?? []) circle.set(String(m.userId), m.role as Role);
  circle.set(scope.patientUserId, 'patient');
  return circle;
}

/**
 * Tells everyone who lists the plan that where it stands changed (a version,
 * a proposal, a comment thread), so an open plan list reads it again. Carries
 * the plan's id only; news the patient does not see (proposals) goes to the
 * care team alone. The change is stored by then: a failure here is logged,
 * never the request's.
 */
export async function announceStanding(
  ctx: AppContext,
  scope: PlanScope,
  audience: 'everyone' | 'care team' = 'everyone',
): Promise<void> {
  try {
    const people = [...(await careCircle(ctx, scope))]
      .filter(([, role]) => audience === 'everyone' || role !== 'patient')
      .map(([id]) => id);
    ctx.realtime.toRooms(people.map(userRoom), 'plan:standing', { planId: scope.planId });
  } catch (err) {
    ctx.log.warn({ err, planId: scope.planId }, 'plan standing not announced');
  }
}
