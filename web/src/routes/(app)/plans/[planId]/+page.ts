import { error } from '@sveltejs/kit';
import type { PlanDetail } from '@tandem/shared';
import { api, ApiError } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, parent }) => {
  // After the layout's checks (signed in, own password chosen): reading the plan is audited.
  await parent();
  try {
    return { plan: await api<PlanDetail>(`/plans/${encodeURIComponent(params.planId)}`) };
  } catch (err) {
    if (err instanceof ApiError) {
      error(err.status === 0 ? 503 : err.status, { message: err.message, code: err.code });
    }
    throw err;
  }
};
