import { error } from '@sveltejs/kit';
import type { PatientSummary, TeamDetail, TeamSummary } from '@tandem/shared';
import { api, ApiError } from '$lib/api.ts';
import type { PageLoad } from './$types';

/** A care team's people and patients: `?team=` picks one of the caller's teams. */
export const load: PageLoad = async ({ parent, url }) => {
  const { user } = await parent();
  if (user.role === 'patient') {
    error(403, { message: 'The team page is for the members of a care team.' });
  }
  try {
    const teams = await api<TeamSummary[]>('/teams');
    const team = teams.find((t) => t.id === url.searchParams.get('team')) ?? teams[0];
    if (!team) return { teams, team: null, patients: [] };
    const [detail, patients] = await Promise.all([
      api<TeamDetail>(`/teams/${team.id}`),
      api<PatientSummary[]>(`/teams/${team.id}/patients`),
    ]);
    return { teams, team: detail, patients };
  } catch (err) {
    if (err instanceof ApiError) {
      error(err.status === 0 ? 503 : err.status, { message: err.message, code: err.code });
    }
    throw err;
  }
};
