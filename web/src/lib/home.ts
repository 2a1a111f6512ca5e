import { resolve } from '$app/paths';
import type { PlanRef, PublicUser } from '@tandem/shared';
import { api } from './api.ts';
import { session } from './session.svelte.ts';

const PLAN_PATH = /^\/plans\/([a-f0-9]{24})$/;

/**
 * Where a person lands after signing in: the page to choose their own password
 * while they have a first one, else the page they were sent away from (only
 * Tandem's own plan and dashboard pages), a patient's own plan, or the dashboard.
 */
export async function landingPath(user: PublicUser, next: string | null): Promise<string> {
  // Straight there: opening a plan first would read (and audit) what is not shown.
  if (session.passwordChangeDue) return resolve('/account');
  const wanted = next ? PLAN_PATH.exec(next) : null;
  if (wanted) return resolve('/(app)/plans/[planId]', { planId: wanted[1]! });
  if (user.role === 'patient') {
    const plans = await api<PlanRef[]>('/plans?standing=false');
    if (plans.length === 1) return resolve('/(app)/plans/[planId]', { planId: plans[0]!.id });
  }
  return resolve('/dashboard');
}
