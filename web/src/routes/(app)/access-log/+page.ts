import { error } from '@sveltejs/kit';
import type { AccessLogPage } from '@tandem/shared';
import { api } from '$lib/api.ts';
import type { PageLoad } from './$types';

/** A patient's own access log: who opened or changed their record, newest first. */
export const load: PageLoad = async ({ parent }) => {
  const { user } = await parent();
  if (user.role !== 'patient') error(403, { message: 'Only a patient has an access log.' });
  return { first: await api<AccessLogPage>('/me/access-log?limit=50') };
};
