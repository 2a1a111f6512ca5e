import { beforeAll, describe, expect, it } from 'vitest';
import {
  planTasks,
  type Comment,
  type PlanListItem,
  type PlanStanding,
  type Proposal,
  type VersionHistory,
  type VersionSummary,
} from '@tandem/shared';
import { Types } from 'mongoose';
import { planModel } from '@tandem/server/plans/model.ts';
import { readPlanSnapshot } from '@tandem/server/plans/content.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAll, type DemoUser, type UserApi } from '../../helpers/api.ts';
import { collect, connectSocket } from '../../helpers/socket.ts';

let server: TestServer;
let plans: { north: string; south: string };
let as: Record<DemoUser, UserApi>;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  plans = await demoPlans(server.url);
  as = await loginAll(server.url);
});

/** The North plan's standing as one person's plan list shows it. */
async function standing(who: DemoUser): Promise<PlanStanding> {
  const res = await as[who].get<PlanListItem[]>('/plans');
  expect(res.status).toBe(200);
  return res.body.find((p) => p.id === plans.north)!.standing;
}

/** The demo patient's check-ins: the newest of each kind 12 days ago, none waiting, none due. */
const SEEDED_CHECK_INS = {
  latest: [
    { instrument: 'phq9', score: 9, severity: 'mild', submittedAt: expect.any(String) },
    { instrument: 'gad7', score: 8, severity: 'mild', submittedAt: expect.any(String) },
  ],
  followUpNeeded: 0,
  due: false,
};

const tasksOf = async (who: 'prescriber' | 'therapist' | 'coordinator' | 'patient') =>
  planTasks(who, await standing(who)).map((t) => t.kind);

describe('the plan list says where each plan stands', () => {
  it('follows a plan from its first version to the patient’s review', async () => {
    expect(await standing('prescriber')).toEqual({
      version: null,
      openProposals: 0,
      openThreads: 0,
      patientWaiting: 0,
      checkIns: SEEDED_CHECK_INS,
    });

    const url = `/plans/${plans.north}/versions`;
    const created = await as.therapist.post<VersionSummary>(url, { label: 'After intake' });
    expect(created.status).toBe(201);
    expect((await standing('coordinator')).version).toMatchObject({
      number: 1,
      label: 'After intake',
      signedAt: null,
      acknowledgedAt: null,
      signedByYou: false,
    });
    expect(await tasksOf('prescriber')).toEqual(['sign']);
    expect(await tasksOf('therapist')).toEqual([]);
    expect(await tasksOf('patient')).toEqual([]);

    expect((await as.prescriber.post(`${url}/1/sign`)).status).toBe(200);
    const signed = await standing('therapist');
    expect(signed.version?.signedAt).toEqual(expect.any(String));
    expect(signed.version?.signedByYou).toBe(false);
    expect((await standing('prescriber')).version?.signedByYou).toBe(true);
    expect(await tasksOf('prescriber')).toEqual([]);
    expect(await tasksOf('therapist')).toEqual(['cosign']);
    expect(await tasksOf('patient')).toEqual(['acknowledge']);

    expect((await as.therapist.post(`${url}/1/cosign`)).status).toBe(200);
    expect((await as.patient.post(`${url}/1/acknowledge`)).status).toBe(200);
    expect(await tasksOf('therapist')).toEqual([]);
    expect(await tasksOf('patient')).toEqual([]);
    expect((await standing('coordinator')).version?.acknowledgedAt).toEqual(expect.any(String));

    // A newer draft is what the list shows; the patient has nothing to review until it is signed.
    await as.prescriber.post(url, { label: 'Week 6 review' });
    expect((await standing('patient')).version).toMatchObject({
      number: 2,
      signedAt: null,
      acknowledgedAt: null,
      signedByYou: false,
    });
    expect(await tasksOf('prescriber')).toEqual(['sign']);
    expect(await tasksOf('patient')).toEqual([]);
  });

  it('keeps the newest version on the plan: renamed, filled in for older plans, mended', async () => {
    const url = `/plans/${plans.north}/versions`;
    expect((await as.prescriber.patch(`${url}/2`, { label: 'Week 6' })).status).toBe(200);
    expect((await standing('therapist')).version).toMatchObject({ number: 2, label: 'Week 6' });

    // A plan stored before the newest version was kept on it has it read from its versions once.
    const Plans = planModel(server.tandem.ctx.conn);
    await Plans.collection.updateOne(
      { _id: new Types.ObjectId(plans.north) },
      { $unset: { latestVersion: '' } },
    );
    expect((await standing('therapist')).version).toMatchObject({ number: 2, label: 'Week 6' });
    expect((await Plans.findById(plans.north).lean())?.latestVersion).toMatchObject({
      number: 2,
      label: 'Week 6',
    });

    // A save that stopped before recording its version is mended when the history is read.
    const [first] = (await as.prescriber.get<VersionHistory>(url)).body.versions.slice(-1);
    await Plans.collection.updateOne(
      { _id: new Types.ObjectId(plans.north) },
      { $set: { 'latestVersion.number': 1, 'latestVersion.label': first!.label } },
    );
    expect((await standing('therapist')).version?.number).toBe(1);
    await as.therapist.get(url);
    expect((await standing('therapist')).version).toMatchObject({ number: 2, label: 'Week 6' });
  });

  it('shows the highest of versions saved at the same moment', async () => {
    const url = `/plans/${plans.north}/versions`;
    const saved = await Promise.all(
      [1, 2, 3, 4].map((i) => as.prescriber.post<VersionSummary>(url, { label: `Same ${i}` })),
    );
    expect(saved.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const highest = saved.reduce((a, b) => (a.body.number > b.body.number ? a : b)).body;
    expect((await standing('coordinator')).version).toMatchObject({
      number: highest.number,
      label: highest.label,
    });
  });

  it('counts open proposals for the care team, never for the patient', async () => {
    const meds = (await readPlanSnapshot(server.tandem.ctx, plans.north)).medications ?? [];
    const proposalsUrl = `/plans/${plans.north}/proposals`;
    const body = (dose: number) => ({
      change: { kind: 'change', medicationId: meds[0]!.id, dose },
      rationale: 'Partial response at six weeks.',
    });
    const first = await as.therapist.post<Proposal>(proposalsUrl, body(100));
    await as.therapist.post<Proposal>(proposalsUrl, body(75));
    expect((await standing('prescriber')).openProposals).toBe(2);
    expect((await standing('coordinator')).openProposals).toBe(2);
    expect((await standing('patient')).openProposals).toBe(0);
    expect(await tasksOf('prescriber')).toContain('decide');

    const declined = await as.prescriber.post(`${proposalsUrl}/${first.body.id}/decline`, {
      reason: 'Side effects first.',
    });
    expect(declined.status).toBe(200);
    expect((await standing('prescriber')).openProposals).toBe(1);
  });

  it('counts open goal threads and those where the patient spoke last', async () => {
    const commentsUrl = `/plans/${plans.north}/comments`;
    const mine = await as.patient.post<Comment>(commentsUrl, {
      goalId: 'goal-sleep',
      body: 'Is it normal to wake at 4?',
    });
    await as.therapist.post<Comment>(commentsUrl, {
      goalId: 'goal-mood',
      body: 'Noting more energy this week.',
    });
    expect(await standing('coordinator')).toMatchObject({ openThreads: 2, patientWaiting: 1 });
    expect(await tasksOf('therapist')).toContain('reply');
    expect(await tasksOf('patient')).not.toContain('reply');

    // The team's answer takes the thread off the waiting list; the patient's next word puts it back.
    const thread = `${commentsUrl}/${mine.body.id}`;
    await as.therapist.post(`${thread}/replies`, { body: 'Yes, early on. Keep the diary.' });
    expect(await standing('coordinator')).toMatchObject({ openThreads: 2, patientWaiting: 0 });
    await as.patient.post(`${thread}/replies`, { body: 'Thank you, I will.' });
    expect((await standing('therapist')).patientWaiting).toBe(1);

    await as.therapist.post(`${thread}/replies`, { body: 'Good. Keep going.' });
    expect(await standing('coordinator')).toMatchObject({ openThreads: 2, patientWaiting: 0 });

    // Threads stored before their first comment kept who wrote last are read from their
    // replies: the patient started this one, the therapist wrote last.
    await server.tandem.ctx.conn
      .collection('comments')
      .updateMany({ threadId: null }, { $unset: { lastAuthorRole: '', lastCommentAt: '' } });
    expect((await standing('coordinator')).patientWaiting).toBe(0);
    await as.patient.post(`${thread}/replies`, { body: 'Will do.' });
    expect((await standing('coordinator')).patientWaiting).toBe(1);

    await as.therapist.post(`${thread}/replies`, { body: 'See you Thursday.' });
    expect((await as.therapist.post(`${thread}/resolve`)).status).toBe(200);
    expect(await standing('prescriber')).toMatchObject({ openThreads: 1, patientWaiting: 0 });
    // The patient reopening the answered thread waits for the team again.
    expect((await as.patient.post(`${thread}/reopen`)).status).toBe(200);
    expect(await standing('prescriber')).toMatchObject({ openThreads: 2, patientWaiting: 1 });
  });

  it('is left out for pages that only pick a plan, and the choice is checked', async () => {
    const plain = await as.coordinator.get<PlanListItem[]>('/plans?standing=false');
    expect(plain.status).toBe(200);
    expect(plain.body.map((p) => p.id)).toContain(plans.north);
    expect(plain.body.every((p) => !('standing' in p))).toBe(true);
    expect((await as.coordinator.get('/plans?standing=maybe')).status).toBe(400);
    expect((await as.coordinator.get('/plans?sort=name')).status).toBe(400);
  });

  it('shows each person only the plans they may open, each with its own standing', async () => {
    const south = (await as.prescriber2.get<PlanListItem[]>('/plans')).body;
    expect(south.map((p) => p.id)).toEqual([plans.south]);
    // The South patient has completed no check-in yet: one is due.
    expect(south[0]!.standing).toEqual({
      version: null,
      openProposals: 0,
      openThreads: 0,
      patientWaiting: 0,
      checkIns: { latest: [], followUpNeeded: 0, due: true },
    });
    const own = (await as.patient2.get<PlanListItem[]>('/plans')).body;
    expect(own.map((p) => p.id)).toEqual([plans.south]);
  });
});

describe('a change to where a plan stands', () => {
  it('reaches the open plan lists of everyone who may open the plan, proposals the care team only', async () => {
    const listeners = {} as Record<DemoUser, ReturnType<typeof collect<'plan:standing'>>>;
    for (const who of Object.keys(as) as DemoUser[]) {
      listeners[who] = collect(await connectSocket(server.url, as[who].token!), 'plan:standing');
    }
    const heard = (who: DemoUser) => listeners[who].filter((e) => e.planId === plans.north).length;
    const north: DemoUser[] = ['prescriber', 'therapist', 'coordinator', 'patient'];

    await as.patient.post(`/plans/${plans.north}/comments`, {
      goalId: 'goal-mood',
      body: 'Feeling a little brighter.',
    });
    for (const who of north) await expect.poll(() => heard(who), { timeout: 5_000 }).toBe(1);

    await as.therapist.post(`/plans/${plans.north}/versions`, { label: 'Announced' });
    for (const who of north) await expect.poll(() => heard(who), { timeout: 5_000 }).toBe(2);

    const [sertraline] = (await readPlanSnapshot(server.tandem.ctx, plans.north)).medications!;
    await as.therapist.post(`/plans/${plans.north}/proposals`, {
      change: { kind: 'stop', medicationId: sertraline!.id },
      rationale: 'Announced to the team.',
    });
    for (const who of ['prescriber', 'therapist', 'coordinator'] as const)
      await expect.poll(() => heard(who), { timeout: 5_000 }).toBe(3);

    // Another team's people hear nothing of this plan; the patient nothing of the proposal.
    expect(heard('patient')).toBe(2);
    expect(listeners.prescriber2).toEqual([]);
    expect(listeners.patient2).toEqual([]);
  });
});
