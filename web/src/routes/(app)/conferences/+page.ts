import { error } from '@sveltejs/kit';
import type { ConferenceSummary, PlanRef, TeamSummary } from '@tandem/shared';
import { api, ApiError } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
  const { user } = await parent();
  try {
    const [upcoming, past, teams, plans] = await Promise.all([
      api<ConferenceSummary[]>('/conferences?when=upcoming'),
      api<ConferenceSummary[]>('/conferences?when=past'),
      user.role === 'coordinator' ? api<TeamSummary[]>('/teams') : Promise.resolve([]),
      user.role === 'coordinator' ? api<PlanRef[]>('/plans?standing=false') : Promise.resolve([]),
    ]);
    return {
      upcoming,
      past,
      // Only teams this person coordinates can get a conference from them.
      teams: teams.filter((t) => t.role === 'coordinator'),
      plans,
    };
  } catch (err) {
    if (err instanceof ApiError) {
      error(err.status === 0 ? 503 : err.status, { message: err.message, code: err.code });
    }
    throw err;
  }
};
