import { redirect } from '@sveltejs/kit';
import { landingPath } from '$lib/home.ts';
import { loadSession } from '$lib/session.svelte.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url }) => {
  const next = url.searchParams.get('next');
  // Someone already signed in has no business on the login page.
  const user = await loadSession().catch(() => null);
  if (user) redirect(303, await landingPath(user, next));
  const reason = url.searchParams.get('reason');
  return {
    next,
    reason: reason === 'expired' || reason === 'signed-out' ? reason : null,
  };
};
