import type { CheckIn, CheckInList, SubmitCheckInRequest } from '@tandem/shared';
import { api } from '$lib/api.ts';

/** Typed calls to a plan's check-in endpoints. */

const base = (planId: string) => `/plans/${encodeURIComponent(planId)}/check-ins`;

export const checkInsApi = {
  list: (planId: string) => api<CheckInList>(base(planId)),
  submit: (planId: string, body: SubmitCheckInRequest) =>
    api<CheckIn>(base(planId), { method: 'POST', body: JSON.stringify(body) }),
  followUp: (planId: string, checkInId: string, note: string) =>
    api<CheckIn>(`${base(planId)}/${encodeURIComponent(checkInId)}/follow-up`, {
      method: 'POST',
      body: JSON.stringify({ note }),
    }),
};
