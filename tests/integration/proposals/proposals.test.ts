import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import {
  addEntry,
  planDocName,
  readList,
  removeEntry,
  updateEntry,
  type InteractionWarning,
  type Proposal,
} from '@tandem/shared';
import { readPlanSnapshot } from '@tandem/server/plans/content.ts';
import { registerTeardown, startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs, type UserApi } from '../../helpers/api.ts';
import { collect, connectSocket, joinPlan } from '../../helpers/socket.ts';

let server: TestServer;
let planId: string;
let prescriber: UserApi;
let therapist: UserApi;
let sertralineId: string;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  planId = (await demoPlans(server.url)).north;
  [prescriber, therapist] = await Promise.all([
    loginAs(server.url, 'prescriber'),
    loginAs(server.url, 'therapist'),
  ]);
  const meds = (await readPlanSnapshot(server.tandem.ctx, planId)).medications ?? [];
  sertralineId = meds.find((m) => m.name === 'Sertraline')!.id;
});

/** An unmodified y-websocket client on a plan document, as an open workspace would be. */
function openDoc(token: string, kind: 'medications' | 'care') {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    `${server.url.replace('http', 'ws')}/collab`,
    planDocName(planId, kind),
    doc,
    { WebSocketPolyfill: WebSocket as never, params: { token }, disableBc: true },
  );
  registerTeardown(async () => {
    provider.destroy();
    doc.destroy();
  });
  return { doc, provider };
}

describe('medication proposals', () => {
  it('come from therapists and prescribers only, worded like a plan diff', async () => {
    const body = {
      change: { kind: 'change', medicationId: sertralineId, dose: 100 },
      rationale: 'PHQ-9 improved by less than half after 6 weeks.',
    };
    for (const who of ['coordinator', 'patient', 'prescriber2'] as const) {
      const api = await loginAs(server.url, who);
      expect((await api.post(`/plans/${planId}/proposals`, body)).status, who).toBe(403);
    }
    const res = await therapist.post<Proposal>(`/plans/${planId}/proposals`, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'open',
      summary: 'Sertraline 50 mg → 100 mg once daily',
      proposedBy: { name: 'Sam Rivera, LCSW', role: 'therapist' },
    });
  });

  it('are accepted by the prescriber only; acceptance changes the live medications section, attributed', async () => {
    const live = openDoc(prescriber.token!, 'medications');
    await expect
      .poll(() => readList(live.doc, 'medications').some((m) => m.id === sertralineId))
      .toBe(true);
    const [open] = (await prescriber.get<Proposal[]>(`/plans/${planId}/proposals`)).body;
    const url = `/plans/${planId}/proposals/${open!.id}`;
    expect((await therapist.post(`${url}/accept`)).status).toBe(403);
    const coordinator = await loginAs(server.url, 'coordinator');
    expect((await coordinator.post(`${url}/accept`)).status).toBe(403);

    const accepted = await prescriber.post<{ proposal: Proposal }>(`${url}/accept`, {
      reason: 'Agreed at review',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.proposal).toMatchObject({
      status: 'accepted',
      decidedBy: { name: 'Dr. Maya Okafor' },
    });
    expect((await prescriber.post(`${url}/accept`)).status).toBe(409);

    // The open editor sees the new dose without reloading.
    await expect
      .poll(() => readList(live.doc, 'medications').find((m) => m.id === sertralineId)?.dose)
      .toBe(100);
    const stored = (await readPlanSnapshot(server.tandem.ctx, planId)).medications!;
    expect(stored.find((m) => m.id === sertralineId)?.dose).toBe(100);

    // Attribution: the logged update (or, after compaction, its history row) names the prescriber.
    const byPrescriber = {
      docName: planDocName(planId, 'medications'),
      userId: prescriber.user.id,
    };
    const db = server.tandem.ctx.conn;
    const rows = [
      ...(await db.collection('collab_updates').find(byPrescriber).toArray()),
      ...(await db.collection('collab_history').find(byPrescriber).toArray()),
    ];
    expect(rows.some((h) => (h.sections as string[]).includes('medications'))).toBe(true);

    const listed = await therapist.get<Proposal[]>(`/plans/${planId}/proposals`);
    expect(listed.body.find((p) => p.id === open!.id)?.status).toBe('accepted');
  });

  it('are declined with a reason, and nothing changes', async () => {
    const created = await therapist.post<Proposal>(`/plans/${planId}/proposals`, {
      change: { kind: 'stop', medicationId: sertralineId },
      rationale: 'Patient reports nausea',
    });
    const url = `/plans/${planId}/proposals/${created.body.id}`;
    expect((await prescriber.post(`${url}/decline`, {})).status).toBe(400);
    const declined = await prescriber.post<Proposal>(`${url}/decline`, {
      reason: 'Nausea usually settles; review in two weeks.',
    });
    expect(declined.body).toMatchObject({
      status: 'declined',
      reason: expect.stringContaining('two weeks'),
    });
    const meds = (await readPlanSnapshot(server.tandem.ctx, planId)).medications!;
    expect(meds.find((m) => m.id === sertralineId)?.status).not.toBe('stopped');
  });

  it("reach the care team's open pages live, and never the patient's, who cannot list them either", async () => {
    const patient = await loginAs(server.url, 'patient');
    expect((await patient.get(`/plans/${planId}/proposals`)).status).toBe(403);
    const live = async (api: UserApi) => {
      const socket = await connectSocket(server.url, api.token!);
      expect(await joinPlan(socket, planId)).toEqual({ ok: true });
      return {
        proposals: collect(socket, 'proposal:updated'),
        comments: collect(socket, 'comment:created'),
      };
    };
    const [team, patientPage] = await Promise.all([live(prescriber), live(patient)]);

    const created = await therapist.post<Proposal>(`/plans/${planId}/proposals`, {
      change: { kind: 'change', medicationId: sertralineId, dose: 75 },
      rationale: 'Sleep still broken at 50 mg.',
    });
    await prescriber.post(`/plans/${planId}/proposals/${created.body.id}/decline`, {
      reason: 'Adherence is uncertain; not now.',
    });
    // A comment goes to the whole room, so the patient's socket is shown to be listening.
    await therapist.post(`/plans/${planId}/comments`, { goalId: 'goal-sleep', body: 'Well done.' });
    await expect.poll(() => patientPage.comments.length).toBe(1);
    await expect
      .poll(() => team.proposals.map((p) => [p.id, p.status]))
      .toEqual([
        [created.body.id, 'open'],
        [created.body.id, 'declined'],
      ]);
    expect(patientPage.proposals).toEqual([]);
  });

  it('warn the prescriber about a dangerous interaction when a started drug is accepted', async () => {
    const created = await therapist.post<Proposal>(`/plans/${planId}/proposals`, {
      change: {
        kind: 'start',
        name: 'Tramadol',
        dose: 50,
        unit: 'mg',
        frequency: 'as needed',
      },
      rationale: 'Back pain',
    });
    expect(created.body.summary).toBe('Started Tramadol 50 mg as needed');
    const url = `/plans/${planId}/proposals/${created.body.id}/accept`;
    // The prescriber's own date starts it (still yesterday in UTC's terms in the Americas'
    // evenings); a date that is today nowhere is refused.
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    expect((await prescriber.post(url, { today: day(3) })).status).toBe(400);
    const accepted = await prescriber.post<{ warnings: InteractionWarning[] }>(url, {
      today: day(-1),
    });
    expect(accepted.body.warnings.map((w) => w.rule.id)).toContain('serotonergic-opioid');
    const started = (await readPlanSnapshot(server.tandem.ctx, planId)).medications!.find(
      (m) => m.name === 'Tramadol',
    );
    expect(started?.startDate).toBe(day(-1));
  });

  it('reject malformed changes', async () => {
    for (const change of [
      { kind: 'change', medicationId: 'no-such-med', dose: 10 },
      { kind: 'start', name: 'X', dose: -5, unit: 'mg', frequency: 'daily' },
      { kind: 'explode' },
    ]) {
      const res = await therapist.post(`/plans/${planId}/proposals`, { change, rationale: 'r' });
      expect(res.status, JSON.stringify(change)).toBe(400);
    }
  });

  it('are refused, and stay open to decline, once the medication changed or left the plan since', async () => {
    const live = openDoc(prescriber.token!, 'medications');
    await expect
      .poll(() => readList(live.doc, 'medications').some((m) => m.id === sertralineId))
      .toBe(true);
    const stored = async () =>
      ((await readPlanSnapshot(server.tandem.ctx, planId)).medications ?? []).find(
        (m) => m.id === sertralineId,
      );
    const before = (await stored())!;
    const proposed = await therapist.post<Proposal>(`/plans/${planId}/proposals`, {
      change: { kind: 'change', medicationId: sertralineId, dose: before.dose! + 50 },
      rationale: 'Partial response',
    });
    // The prescriber changes how often it is taken before deciding.
    updateEntry(live.doc, 'medications', sertralineId, { frequency: 'twice daily' });
    await expect.poll(async () => (await stored())?.frequency).toBe('twice daily');

    const url = `/plans/${planId}/proposals/${proposed.body.id}`;
    const refused = await prescriber.post(`${url}/accept`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: { code: 'proposal_outdated', message: expect.stringContaining('twice daily') },
    });
    expect(await stored()).toMatchObject({ dose: before.dose, frequency: 'twice daily' });
    const listed = await prescriber.get<Proposal[]>(`/plans/${planId}/proposals`);
    expect(listed.body.find((p) => p.id === proposed.body.id)?.status).toBe('open');
    expect((await prescriber.post(`${url}/decline`, { reason: 'Out of date' })).status).toBe(200);

    // A medication taken off the plan since.
    const id = addEntry(live.doc, 'medications', { name: 'Hydroxyzine', dose: 25, unit: 'mg' });
    await expect
      .poll(async () =>
        (await readPlanSnapshot(server.tandem.ctx, planId)).medications?.some((m) => m.id === id),
      )
      .toBe(true);
    const stop = await therapist.post<Proposal>(`/plans/${planId}/proposals`, {
      change: { kind: 'stop', medicationId: id },
      rationale: 'Drowsy at work',
    });
    removeEntry(live.doc, 'medications', id);
    await expect
      .poll(async () =>
        (await readPlanSnapshot(server.tandem.ctx, planId)).medications?.some((m) => m.id === id),
      )
      .toBe(false);
    const gone = await prescriber.post(`/plans/${planId}/proposals/${stop.body.id}/accept`, {});
    expect(gone.status).toBe(409);
    expect(gone.body).toMatchObject({ error: { code: 'proposal_outdated' } });
  });
});
