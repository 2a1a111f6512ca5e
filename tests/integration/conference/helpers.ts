import type {
  ClientToServerEvents,
  ConferenceView,
  CreateConferenceRequest,
  CreatePatientResponse,
  PlanListItem,
  ServerToClientEvents,
  TeamSummary,
} from '@tandem/shared';
import { loginAs, loginWithFirstPassword, type Api } from '../../helpers/api.ts';
import { connectSocket, type ClientSocket } from '../../helpers/socket.ts';

export type Signed = Api & { user: { id: string; name: string; role: string } };

let counter = 0;
/** A name no other test uses (each test builds its own patients and conferences). */
export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${(++counter).toString(36)}`;

export function ok<T>(res: { status: number; body: T }, what: string): T {
  if (res.status >= 300) {
    throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** The North Team's coordinator and its id. */
export async function north(url: string) {
  const coordinator = (await loginAs(url, 'coordinator')) as Signed;
  const teams = ok(await coordinator.get<TeamSummary[]>('/teams'), 'teams');
  const team = teams.find((t) => t.name === 'North Team')!;
  return { coordinator, teamId: team.id };
}

/** Adds a patient (their record, account and plan) to a team; returns their plan and a signed-in client. */
export async function addPatient(
  url: string,
  coordinator: Api,
  teamId: string,
  name: string,
): Promise<{ planId: string; patientId: string; client: Signed }> {
  const email = `${unique('patient')}@demo.test`;
  const created = ok(
    await coordinator.post<CreatePatientResponse>(`/teams/${teamId}/patients`, { name, email }),
    'add patient',
  );
  const client = (await loginWithFirstPassword(url, email, created.initialPassword)) as Signed;
  return { planId: created.patient.plan!.id, patientId: created.patient.id, client };
}

/** Adds a clinician to a team and signs them in. */
export async function addMember(
  url: string,
  coordinator: Api,
  teamId: string,
  name: string,
  role: 'prescriber' | 'therapist' | 'coordinator' = 'therapist',
): Promise<Signed> {
  const email = `${unique('member')}@demo.test`;
  const res = ok(
    await coordinator.post<{ initialPassword: string }>(`/teams/${teamId}/members`, {
      email,
      name,
      role,
    }),
    'add member',
  );
  return (await loginWithFirstPassword(url, email, res.initialPassword)) as Signed;
}

export async function planOf(api: Api, patientName: string): Promise<string> {
  const plans = ok(await api.get<PlanListItem[]>('/plans'), 'plans');
  return plans.find((p) => p.patient.name === patientName)!.id;
}

export async function createConference(
  coordinator: Api,
  body: CreateConferenceRequest,
): Promise<ConferenceView> {
  return ok(await coordinator.post<ConferenceView>('/conferences', body), 'create conference');
}

type AckResult<E extends keyof ClientToServerEvents> = Parameters<
  ClientToServerEvents[E]
>[1] extends (r: infer R) => void
  ? R
  : never;

/** Emits a client event and resolves with the server's answer. */
export function emit<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<AckResult<E>> {
  return new Promise((resolve) => {
    (socket.emit as (e: string, p: unknown, ack: (r: unknown) => void) => void)(
      event,
      payload,
      (r) => resolve(r as AckResult<E>),
    );
  });
}

export type Participant = {
  socket: ClientSocket;
  states: Parameters<ServerToClientEvents['conference:state']>[0][];
  navigations: Parameters<ServerToClientEvents['conference:navigate']>[0][];
  records: Parameters<ServerToClientEvents['conference:record']>[0][];
  /** Every conference payload received, for checks of what a patient never sees. */
  raw: unknown[];
  view: ConferenceView | null;
  /** The newest live state this socket knows (from the join answer or an event). */
  latest(): ConferenceView['live'] | null;
};

/** Connects a socket for `api`'s user to `url` and records every conference event it receives. */
export async function participant(url: string, api: Api & { token: string | null }) {
  const socket = await connectSocket(url, api.token!);
  const p: Participant = {
    socket,
    states: [],
    navigations: [],
    records: [],
    raw: [],
    view: null,
    latest() {
      const all = [...(p.view ? [p.view.live] : []), ...p.states.map((s) => s.live)];
      return all.reduce<ConferenceView['live'] | null>(
        (best, s) => (!best || s.seq > best.seq ? s : best),
        null,
      );
    },
  };
  socket.on('conference:state', (e) => {
    p.states.push(e);
    p.raw.push(e);
  });
  socket.on('conference:navigate', (e) => {
    p.navigations.push(e);
    p.raw.push(e);
  });
  socket.on('conference:record', (e) => {
    p.records.push(e);
    p.raw.push(e);
  });
  return p;
}

/** Joins; throws with the server's refusal when it says no. */
export async function join(p: Participant, conferenceId: string): Promise<ConferenceView> {
  const res = await emit(p.socket, 'conference:join', { conferenceId });
  if (!res.ok) throw new Error(`join refused: ${res.error.code}`);
  p.view = res.data!;
  p.raw.push(res.data);
  return res.data!;
}
