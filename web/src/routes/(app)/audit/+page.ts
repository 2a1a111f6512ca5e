import { error } from '@sveltejs/kit';
import type { AuditPage, PatientSummary, TeamDetail, TeamSummary } from '@tandem/shared';
import { api } from '$lib/api.ts';
import { auditQuery, type AuditFilters } from '$lib/audit.ts';
import type { PageLoad } from './$types';

/** The audit trail of a team the user coordinates, filtered by the address's query. */
export const load: PageLoad = async ({ parent, url }) => {
  await parent();
  const teams = (await api<TeamSummary[]>('/teams')).filter((t) => t.role === 'coordinator');
  if (teams.length === 0) {
    error(403, { message: 'The audit trail is for the care coordinators of a team.' });
  }
  const param = (name: string) => url.searchParams.get(name) ?? '';
  // A date the address garbled is no filter at all.
  const day = (name: string) => {
    const v = param(name);
    return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00`)) ? v : '';
  };
  const team = teams.find((t) => t.id === param('team')) ?? teams[0]!;
  const filters: AuditFilters = {
    team: team.id,
    patient: param('patient'),
    person: param('person'),
    from: day('from'),
    to: day('to'),
  };
  const [detail, patients, first] = await Promise.all([
    api<TeamDetail>(`/teams/${team.id}`),
    api<PatientSummary[]>(`/teams/${team.id}/patients`),
    api<AuditPage>(`/audit?${auditQuery(filters)}`),
  ]);
  return { teams, filters, members: detail.members, patients, first };
};
