import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import type { PlanListItem } from '@tandem/shared';
import { api } from '$lib/api.ts';
import type { PageLoad } from './$types';

export type TeamGroup = { team: PlanListItem['team']; plans: PlanListItem[] };

export const load: PageLoad = async ({ parent, depends }) => {
  // Read again when a listed plan's standing changes (see +page.svelte).
  depends('app:plans');
  const { user } = await parent();
  const plans = await api<PlanListItem[]>('/plans');
  // A patient has one plan, their own: the dashboard would be a detour.
  if (user.role === 'patient' && plans.length === 1) {
    redirect(307, resolve('/(app)/plans/[planId]', { planId: plans[0]!.id }));
  }
  const groups = new Map<string, TeamGroup>();
  for (const plan of plans) {
    const group = groups.get(plan.team.id) ?? { team: plan.team, plans: [] };
    group.plans.push(plan);
    groups.set(plan.team.id, group);
  }
  return {
    groups: [...groups.values()].sort((a, b) => a.team.name.localeCompare(b.team.name)),
    count: plans.length,
  };
};
