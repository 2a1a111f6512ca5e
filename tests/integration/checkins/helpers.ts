import {
  QUESTIONNAIRES,
  type CheckIn,
  type CheckInList,
  type Instrument,
  type PlanListItem,
  type PlanStanding,
} from '@tandem/shared';
import type { Api } from '../../helpers/api.ts';
import { addPatient, north, ok, unique, type Signed } from '../conference/helpers.ts';

export { ok, unique, type Signed };

/**
 * Answers adding up to `total`, filled from the first item, leaving PHQ-9's
 * item 9 (self-harm) at `safety`.
 */
export function answersFor(instrument: Instrument, total: number, safety = 0): number[] {
  const n = QUESTIONNAIRES[instrument].items.length;
  const answers: number[] = new Array<number>(n).fill(0);
  const last = instrument === 'phq9' ? n - 1 : n;
  if (instrument === 'phq9') answers[last] = safety;
  let left = total - safety;
  for (let i = 0; i < last && left > 0; i++) {
    answers[i] = Math.min(3, left);
    left -= answers[i]!;
  }
  if (left > 0) throw new Error(`no answers add up to ${total}`);
  return answers;
}

/** A new patient of the North Team with a plan of their own, signed in: each test its own. */
export async function newNorthPatient(url: string): Promise<{ planId: string; patient: Signed }> {
  const { coordinator, teamId } = await north(url);
  const { planId, client } = await addPatient(url, coordinator, teamId, unique('Check-in Patient'));
  return { planId, patient: client };
}

export const submit = (api: Api, planId: string, body: unknown) =>
  api.post<CheckIn>(`/plans/${planId}/check-ins`, body);

export const followUp = (api: Api, planId: string, id: string, note: string) =>
  api.post<CheckIn>(`/plans/${planId}/check-ins/${id}/follow-up`, { note });

export async function listCheckIns(api: Api, planId: string): Promise<CheckIn[]> {
  return ok(await api.get<CheckInList>(`/plans/${planId}/check-ins`), 'list check-ins').items;
}

/** One plan's standing as the caller's plan list shows it. */
export async function standingOf(api: Api, planId: string): Promise<PlanStanding> {
  const plans = ok(await api.get<PlanListItem[]>('/plans'), 'plans');
  const plan = plans.find((p) => p.id === planId);
  if (!plan) throw new Error(`plan ${planId} is not listed`);
  return plan.standing;
}
