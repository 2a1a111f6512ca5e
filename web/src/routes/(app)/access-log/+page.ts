import { error } from '@sveltejs/kit';
import type { AccessLogPage } from '@tandem/shared';
import { api } from '$lib/api.ts';
import type { PageLoad } from './$types';

/** A patient's own access log: who opened or changed their record, newest first. */
export const load: PageLoad = async ({ parent, url }) => {
  const { user } = await parent();
  if (user.role !== 'patient') error(403, { message: 'Only a patient has an access log.' });
  // What the patient did themself is left out unless they ask for it (?mine=1).
  const mine = url.searchParams.get('mine') === '1';
  const query = `limit=50&others=${!mine}`;
  return { mine, query, first: await api<AccessLogPage>(`/me/access-log?${query}`) };
};
