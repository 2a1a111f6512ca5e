import { error } from '@sveltejs/kit';
import { INSTRUMENTS, type CheckIn, type Instrument, type PlanDetail } from '@tandem/shared';
import { api, ApiError } from '$lib/api.ts';
import { checkInsApi } from '$lib/checkins/api.ts';
import type { PageLoad } from './$types';

const isInstrument = (s: string): s is Instrument => (INSTRUMENTS as readonly string[]).includes(s);

export const load: PageLoad = async ({ params, parent }) => {
  const { instrument } = params;
  if (!isInstrument(instrument)) {
    error(404, { message: 'There is no such check-in.', code: 'unknown_check_in' });
  }
  await parent();
  try {
    const plan = await api<PlanDetail>(`/plans/${encodeURIComponent(params.planId)}`);
    // The patient's earlier ones tell whether it is too soon, and what the new score compares with.
    const checkIns: CheckIn[] =
      plan.role === 'patient' ? (await checkInsApi.list(plan.id)).items : [];
    return { plan, instrument, checkIns };
  } catch (err) {
    if (err instanceof ApiError) {
      error(err.status === 0 ? 503 : err.status, { message: err.message, code: err.code });
    }
    throw err;
  }
};
