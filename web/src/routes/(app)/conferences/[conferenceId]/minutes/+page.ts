import { error } from '@sveltejs/kit';
import type { ConferenceMinutes } from '@tandem/shared';
import { api, ApiError } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => {
  try {
    return {
      minutes: await api<ConferenceMinutes>(
        `/conferences/${encodeURIComponent(params.conferenceId)}/minutes`,
      ),
    };
  } catch (err) {
    if (err instanceof ApiError) {
      error(err.status === 0 ? 503 : err.status, { message: err.message, code: err.code });
    }
    throw err;
  }
};
