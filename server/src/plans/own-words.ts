import { readList, updateEntry } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { authorizePlan, type RequestMeta } from '../authz/authorize.ts';
import { notFound } from '../errors.ts';

/**
 * The patient puts one of their goals in their own words. The patient reads
 * the plan only, so the server writes that one field for them, through the
 * co-editing engine: the care team sees it live, attributed to the patient.
 */
export async function setOwnWords(
  ctx: AppContext,
  user: AuthUser,
  planId: string,
  goalId: string,
  text: string,
  meta: RequestMeta,
): Promise<void> {
  const scope = await authorizePlan(ctx, user, { action: 'goal.own_words' }, planId, meta);
  let found = false;
  await ctx.planDocs.change(planId, 'care', user.id, (doc) => {
    found = readList(doc, 'goals').some((g) => g.id === goalId);
    if (found) updateEntry(doc, 'goals', goalId, { patientWords: text });
  });
  if (!found) throw notFound('That goal is no longer on your plan.');
  await auditPlanEvent(
    ctx,
    user,
    scope,
    { action: 'goal.own_words', resourceType: 'goal', resourceId: goalId },
    meta,
  );
}
