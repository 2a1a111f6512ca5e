import { error } from '@sveltejs/kit';
import type { ConferenceView, TeamDetail, TeamMemberInfo } from '@tandem/shared';
import { api, ApiError } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => {
  try {
    const conference = await api<ConferenceView>(
      `/conferences/${encodeURIComponent(params.conferenceId)}`,
    );
    // Action items go to someone on the care team: only people who record them need the list.
    const members: TeamMemberInfo[] = conference.viewer.canRecord
      ? (await api<TeamDetail>(`/teams/${conference.team.id}`)).members
      : [];
    return { conference, members };
  } catch (err) {
    if (err instanceof ApiError) {
      error(err.status === 0 ? 503 : err.status, { message: err.message, code: err.code });
    }
    throw err;
  }
};
