import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { ApiError } from '$lib/api.ts';
import { loadSession, session } from '$lib/session.svelte.ts';
import type { LayoutLoad } from './$types';

/** Every page under (app) needs a session; without one the person signs in and comes back. */
export const load: LayoutLoad = async ({ url, untrack }) => {
  let user;
  try {
    user = await loadSession();
  } catch (err) {
    if (err instanceof ApiError) {
      error(err.status === 0 ? 503 : err.status, { message: err.message, code: err.code });
    }
    throw err;
  }
  if (!user) {
    redirect(
      307,
      url.pathname.startsWith('/plans/')
        ? resolve(`/login?next=${encodeURIComponent(url.pathname)}`)
        : resolve('/login'),
    );
  }
  // A first password someone else has seen is replaced before anything else. (Not a
  // dependency on the address: the layout's beforeNavigate keeps the person there.)
  if (session.passwordChangeDue && untrack(() => url.pathname) !== '/account') {
    redirect(307, resolve('/account'));
  }
  return { user };
};
