import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConferenceRecords, ConferenceView } from '@tandem/shared';
import { attendanceModel, stateModel } from '@tandem/server/conference/model.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { Api, loginAs } from '../../helpers/api.ts';
import {
  addMember,
  addPatient,
  createConference,
  emit,
  join,
  north,
  ok,
  participant,
  planOf,
  unique,
  type Participant,
  type Signed,
} from './helpers.ts';

/**
 * Two requests that change a conference's lifecycle, fired together (as a
 * double click or two people at once would), on two instances of one
 * deployment: exactly one decides, the other is refused, and the conference
 * is what the winner left. Each test runs several rounds on fresh conferences
 * and lists every round that broke the rule.
 */
const ROUNDS = 10;

let a: TestServer;
let b: TestServer;
let teamId: string;
let coordinator: { a: Signed; b: Api };
let therapist: Signed;
let prescriber: Signed;
let member: Signed;
let plans: { alex: string; riley: string };

beforeAll(async () => {
  a = await startTestServer({ seedDemo: true, redis: true });
  b = await startTestServer({ dbName: a.dbName, redis: true });
  const n = await north(a.url);
  teamId = n.teamId;
  coordinator = { a: n.coordinator, b: new Api(b.url, n.coordinator.token) };
  const riley = await addPatient(a.url, n.coordinator, teamId, 'Riley Chen');
  therapist = (await loginAs(a.url, 'therapist')) as Signed;
  prescriber = (await loginAs(b.url, 'prescriber')) as Signed;
  member = await addMember(a.url, n.coordinator, teamId, 'Avery Quinn');
  plans = { alex: await planOf(n.coordinator, 'Alex Morgan'), riley: riley.planId };
});

const agenda = (planId: string, reason: string) => [
  { planId, reason, timeBoxMinutes: 10, patientInvited: true },
];

function scheduled(): Promise<ConferenceView> {
  return createConference(coordinator.a, {
    teamId,
    title: unique('Race'),
    scheduledAt: new Date(Date.now() + 60_000).toISOString(),
    cases: agenda(plans.alex, 'Sleep worse since dose change'),
  });
}

async function live(): Promise<ConferenceView> {
  const c = await scheduled();
  return ok(await coordinator.a.post<ConferenceView>(`/conferences/${c.id}/start`), 'start');
}

const revisions = (conferenceId: string) =>
  stateModel(a.tandem.ctx.conn).countDocuments({ conferenceId });
const stays = (conferenceId: string, open = false) =>
  attendanceModel(a.tandem.ctx.conn).countDocuments({
    conferenceId,
    ...(open ? { leftAt: null } : {}),
  });

/** Fails with every round that broke the rule, so one run shows how often it happens. */
function noneBroken(broken: string[]) {
  expect(broken, `${broken.length} of ${ROUNDS} rounds broke the rule`).toEqual([]);
}

describe('starting racing deleting', () => {
  it('lets exactly one win, and leaves the conference as the winner did', async () => {
    const broken: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { id } = await scheduled();
      // Each instance takes each side in turn.
      const [starter, deleter] =
        round % 2 ? [coordinator.a, coordinator.b] : [coordinator.b, coordinator.a];
      const [start, del] = await Promise.all([
        starter.post<ConferenceView>(`/conferences/${id}/start`),
        deleter.delete(`/conferences/${id}`),
      ]);
      const after = await coordinator.a.get<ConferenceView>(`/conferences/${id}`);
      const rows = await revisions(id);
      const outcome = `round ${round}: start ${start.status}, delete ${del.status}, then GET ${after.status} (${after.body?.live?.status ?? '-'}), ${rows} revisions`;
      const startWon =
        start.status === 200 &&
        del.status === 409 &&
        after.status === 200 &&
        after.body.live.status === 'live';
      const deleteWon =
        del.status === 204 && start.status === 404 && after.status === 404 && rows === 0;
      if (!startWon && !deleteWon) broken.push(outcome);
    }
    noneBroken(broken);
  }, 90_000);

  it('tells the waiting room nothing when the delete wins, and leaves nothing behind', async () => {
    const waiting = await participant(a.url, therapist);
    const broken: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { id } = await scheduled();
      await join(waiting, id);
      const [start, del] = await Promise.all([
        coordinator.a.post<ConferenceView>(`/conferences/${id}/start`),
        coordinator.b.delete(`/conferences/${id}`),
      ]);
      const told = () =>
        waiting.states.filter((s) => s.conferenceId === id && s.live.status === 'live').length;
      if (del.status === 204) {
        await emit(waiting.socket, 'conference:leave', { conferenceId: id });
        const left = { revisions: await revisions(id), stays: await stays(id) };
        if (start.status !== 404 || told() > 0 || left.revisions > 0 || left.stays > 0) {
          broken.push(
            `round ${round}: delete won, start ${start.status}, ${told()} live broadcasts, left ${JSON.stringify(left)}`,
          );
        }
      } else {
        // The adapter delivers the start's broadcast a moment after the start answers.
        const reached = await vi
          .waitFor(() => expect(told()).toBeGreaterThan(0))
          .then(
            () => true,
            () => false,
          );
        if (start.status !== 200 || del.status !== 409 || !reached) {
          broken.push(`round ${round}: start ${start.status}, delete ${del.status}`);
        }
        await emit(waiting.socket, 'conference:leave', { conferenceId: id });
      }
    }
    noneBroken(broken);
  }, 90_000);
});

describe('editing the agenda racing the start', () => {
  it('starts on a case the conference has, whichever lands first', async () => {
    const broken: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { id } = await scheduled();
      const [starter, editor] =
        round % 2 ? [coordinator.a, coordinator.b] : [coordinator.b, coordinator.a];
      // Riley's case replaces Alex's: a start holding the old agenda would focus a removed case.
      // In half the rounds the start goes a read later, so that the edit lands first at times.
      const [start, edit] = await Promise.all([
        (round % 4 < 2 ? Promise.resolve() : starter.get(`/conferences/${id}`)).then(() =>
          starter.post<ConferenceView>(`/conferences/${id}/start`),
        ),
        editor.patch<ConferenceView>(`/conferences/${id}`, {
          cases: agenda(plans.riley, 'Review of therapy goals'),
        }),
      ]);
      const view = ok(await coordinator.a.get<ConferenceView>(`/conferences/${id}`), 'get');
      const focus = view.live.focus?.caseId;
      const brief = focus
        ? (await coordinator.a.get(`/conferences/${id}/cases/${focus}/brief`)).status
        : null;
      const outcome = `round ${round}: start ${start.status}, edit ${edit.status}, focus ${focus ?? 'none'} on cases ${view.cases.map((c) => c.id).join(',')}, brief ${brief}`;
      const agendaOk =
        edit.status === 200
          ? view.cases[0]?.planId === plans.riley
          : edit.status === 409 && view.cases[0]?.planId === plans.alex;
      if (
        start.status !== 200 ||
        view.live.status !== 'live' ||
        !agendaOk ||
        !view.cases.some((c) => c.id === focus) ||
        brief !== 200
      ) {
        broken.push(outcome);
      }
    }
    noneBroken(broken);
  }, 90_000);
});

describe('joining racing the end', () => {
  /**
   * Sockets join one after the other until one is refused, so that some join is
   * in flight whenever the end lands (each socket joins once: joining again
   * would first close its earlier stay).
   */
  async function joinInTurn(sockets: Participant[], conferenceId: string) {
    for (const p of sockets) {
      const res = await emit(p.socket, 'conference:join', { conferenceId });
      if (!res.ok) return [res.error.code];
    }
    return [];
  }

  it('leaves nobody in an ended conference', async () => {
    const people: [string, Signed][] = [
      [a.url, therapist],
      [b.url, prescriber],
      [a.url, member],
    ];
    const lines: Participant[][] = [];
    for (let line = 0; line < 3; line++) {
      const sockets: Participant[] = [];
      for (let i = 0; i < 6; i++) {
        const [url, who] = people[(line + i) % people.length]!;
        sockets.push(await participant(url, who));
      }
      lines.push(sockets);
    }
    const broken: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { id } = await live();
      const ender = round % 2 ? coordinator.a : coordinator.b;
      const [end, ...refused] = await Promise.all([
        ender.post<ConferenceView>(`/conferences/${id}/end`),
        ...lines.map((sockets) => joinInTurn(sockets, id)),
      ]);
      const refusals = refused.flat();
      // Once everyone has their answer there is nothing left to settle.
      const view = ok(await coordinator.a.get<ConferenceView>(`/conferences/${id}`), 'get');
      const open = await stays(id, true);
      if (
        end.status !== 200 ||
        refusals.some((code) => code !== 'conference_ended') ||
        view.live.status !== 'ended' ||
        view.live.participants.length > 0 ||
        open > 0
      ) {
        broken.push(
          `round ${round}: end ${end.status}, joins refused ${JSON.stringify(refusals)}, ${view.live.status} with ${view.live.participants.length} participants, ${open} open stays`,
        );
      }
    }
    noneBroken(broken);
  }, 120_000);
});

describe('recording racing the end', () => {
  it('keeps every decision and action item it accepted, and refuses the rest', async () => {
    const broken: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const conf = await live();
      const kase = conf.cases[0]!.id;
      const base = `/conferences/${conf.id}/cases/${kase}`;
      const ender = round % 2 ? coordinator.a : coordinator.b;
      const [end, decision, item] = await Promise.all([
        ender.post<ConferenceView>(`/conferences/${conf.id}/end`),
        therapist.post<{ id: string }>(`${base}/decisions`, { text: `Decision ${round}` }),
        prescriber.post<{ id: string }>(`${base}/action-items`, {
          text: `Item ${round}`,
          ownerId: therapist.user.id,
          dueDate: '2030-01-01',
        }),
      ]);
      const records = ok(
        await coordinator.a.get<ConferenceRecords>(`/conferences/${conf.id}/records`),
        'records',
      );
      const kept = (res: { status: number; body: { id: string } }, ids: string[]) =>
        res.status === 201
          ? ids.length === 1 && ids[0] === res.body.id
          : res.status === 409 && ids.length === 0;
      if (
        end.status !== 200 ||
        !kept(
          decision,
          records.decisions.map((d) => d.id),
        ) ||
        !kept(
          item,
          records.actionItems.map((i) => i.id),
        )
      ) {
        broken.push(
          `round ${round}: end ${end.status}, decision ${decision.status}, item ${item.status}, records ${records.decisions.length}/${records.actionItems.length}`,
        );
      }
    }
    noneBroken(broken);
  }, 90_000);
});
