import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { ANSWER_LOINC, planTasks, QUESTIONNAIRES, type PlanStanding } from '@tandem/shared';
import { planModel } from '@tandem/server/plans/model.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAll, loginAs, type DemoUser, type UserApi } from '../../helpers/api.ts';
import { fhirR4Validator } from '../../helpers/fhir.ts';
import {
  answersFor,
  followUp,
  listCheckIns,
  newNorthPatient,
  standingOf,
  submit,
} from './helpers.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let server: TestServer;
let as: Record<DemoUser, UserApi>;
let plans: { north: string; south: string };

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  as = await loginAll(server.url);
  plans = await demoPlans(server.url);
});

const NORTH_TEAM = ['prescriber', 'therapist', 'coordinator', 'patient'] as const;
const daysAgo = (iso: string) => Math.round((Date.now() - Date.parse(iso)) / DAY);

describe('the demo patient’s check-in history', () => {
  it('shows PHQ-9 and GAD-7 every two weeks, getting better, the newest 12 days ago', async () => {
    const items = await listCheckIns(as.patient, plans.north);
    const oldestFirst = (instrument: string) =>
      items.filter((c) => c.instrument === instrument).reverse();
    expect(oldestFirst('phq9').map((c) => c.score)).toEqual([18, 16, 13, 11, 9]);
    expect(oldestFirst('gad7').map((c) => c.score)).toEqual([15, 13, 11, 9, 8]);
    for (const c of items) expect(c.answers.reduce((a, b) => a + b, 0)).toBe(c.score);
    expect(oldestFirst('phq9').map((c) => daysAgo(c.submittedAt))).toEqual([68, 54, 40, 26, 12]);
    expect(oldestFirst('gad7').map((c) => daysAgo(c.submittedAt))).toEqual([68, 54, 40, 26, 12]);
    // Newest first.
    const times = items.map((c) => Date.parse(c.submittedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // The first PHQ-9 reported thoughts of self-harm; the prescriber called the next day.
    const [first, ...rest] = oldestFirst('phq9');
    expect(first).toMatchObject({ severity: 'moderately_severe', safety: true });
    expect(first!.answers[8]).toBe(1);
    expect(rest.every((c) => !c.safety && c.followUp === null)).toBe(true);
    expect(first!.followUp).toEqual({
      by: { id: as.prescriber.user.id, name: 'Dr. Maya Okafor' },
      at: new Date(Date.parse(first!.submittedAt) + DAY).toISOString(),
      note: null,
    });
    const forTeam = (await listCheckIns(as.therapist, plans.north)).find((c) => c.id === first!.id);
    expect(forTeam!.followUp?.note).toBe('Safety plan reviewed by phone; no plan or intent.');

    // The South Team's patient has none yet.
    expect(await listCheckIns(as.patient2, plans.south)).toEqual([]);
  });
});

describe('the plan list says where check-ins stand', () => {
  it('shows the newest score of each kind, and asks the South patient for a check-in', async () => {
    for (const who of NORTH_TEAM) {
      const { checkIns } = await standingOf(as[who], plans.north);
      expect(checkIns, who).toEqual({
        latest: [
          { instrument: 'phq9', score: 9, severity: 'mild', submittedAt: expect.any(String) },
          { instrument: 'gad7', score: 8, severity: 'mild', submittedAt: expect.any(String) },
        ],
        followUpNeeded: 0,
        due: false,
      });
      expect(daysAgo(checkIns.latest[0]!.submittedAt)).toBe(12);
    }
    expect(planTasks('patient', await standingOf(as.patient, plans.north))).toEqual([]);

    for (const who of ['prescriber2', 'patient2'] as const)
      expect((await standingOf(as[who], plans.south)).checkIns, who).toEqual({
        latest: [],
        followUpNeeded: 0,
        due: true,
      });
    expect(planTasks('patient', await standingOf(as.patient2, plans.south))).toEqual([
      { kind: 'check_in' },
    ]);
    expect(planTasks('prescriber', await standingOf(as.prescriber2, plans.south))).toEqual([]);
  });

  it('counts safety answers waiting for a follow-up for the care team, and puts them first', async () => {
    const { planId, patient } = await newNorthPatient(server.url);
    const before: Record<string, PlanStanding['checkIns']> = {};
    before.coordinator = (await standingOf(as.coordinator, planId)).checkIns;
    expect(before.coordinator).toEqual({ latest: [], followUpNeeded: 0, due: true });
    expect(planTasks('patient', await standingOf(patient, planId))).toEqual([{ kind: 'check_in' }]);

    const first = await submit(patient, planId, {
      instrument: 'phq9',
      answers: answersFor('phq9', 16, 1),
    });
    expect(first.status).toBe(201);
    await submit(patient, planId, { instrument: 'gad7', answers: answersFor('gad7', 3) });
    // A second waiting answer, stored a month ago.
    await server.tandem.ctx.conn.collection('check_ins').insertOne({
      planId: new Types.ObjectId(planId),
      instrument: 'phq9',
      seq: 0,
      answers: answersFor('phq9', 4, 1),
      difficulty: null,
      score: 4,
      severity: 'minimal',
      safety: true,
      followUpState: 'needed',
      submittedBy: { id: patient.user.id, name: patient.user.name },
      submittedAt: new Date(Date.now() - 30 * DAY),
      followUp: null,
    });

    for (const who of ['prescriber', 'therapist', 'coordinator'] as const) {
      const { checkIns } = await standingOf(as[who], planId);
      expect(checkIns, who).toEqual({
        latest: [
          {
            instrument: 'phq9',
            score: 16,
            severity: 'moderately_severe',
            submittedAt: first.body.submittedAt,
          },
          { instrument: 'gad7', score: 3, severity: 'minimal', submittedAt: expect.any(String) },
        ],
        followUpNeeded: 2,
        due: false,
      });
    }
    expect((await standingOf(patient, planId)).checkIns.followUpNeeded).toBe(0);
    expect(planTasks('patient', await standingOf(patient, planId))).toEqual([]);
    for (const who of ['prescriber', 'therapist'] as const)
      expect(planTasks(who, await standingOf(as[who], planId))[0], who).toEqual({
        kind: 'follow_up',
        count: 2,
      });
    expect(planTasks('coordinator', await standingOf(as.coordinator, planId))).toEqual([]);
    // Another team's lists never show this plan.
    expect(
      (await as.prescriber2.get<{ id: string }[]>('/plans')).body.some((p) => p.id === planId),
    ).toBe(false);

    expect((await followUp(as.therapist, planId, first.body.id, 'Called.')).status).toBe(200);
    expect((await standingOf(as.prescriber, planId)).checkIns.followUpNeeded).toBe(1);
  });

  it('keeps the newest scores on the plan, and fills them in for plans stored before', async () => {
    const Plans = planModel(server.tandem.ctx.conn);
    const want = (await standingOf(as.therapist, plans.north)).checkIns;
    await Plans.collection.updateOne(
      { _id: new Types.ObjectId(plans.north) },
      { $unset: { latestCheckIns: '' } },
    );
    expect((await standingOf(as.therapist, plans.north)).checkIns).toEqual(want);
    const kept = (await Plans.findById(plans.north).lean())?.latestCheckIns;
    expect(kept?.phq9).toMatchObject({ score: 9, severity: 'mild' });
    expect(kept?.gad7).toMatchObject({ score: 8, severity: 'mild' });

    // A submission that stopped before recording itself is mended when the check-ins are read.
    await Plans.collection.updateOne(
      { _id: new Types.ObjectId(plans.north) },
      { $set: { 'latestCheckIns.gad7': null } },
    );
    expect((await standingOf(as.therapist, plans.north)).checkIns.latest).toHaveLength(1);
    await listCheckIns(as.coordinator, plans.north);
    expect((await standingOf(as.therapist, plans.north)).checkIns).toEqual(want);
  });
});

describe('as time passes', () => {
  it('asks for a check-in 14 days after the newest, and takes the next form a day later', async () => {
    let now = Date.now();
    const server = await startTestServer({ seedDemo: true, clock: { now: () => now } });
    const { north } = await demoPlans(server.url);
    const patient = await loginAs(server.url, 'patient');
    expect((await standingOf(patient, north)).checkIns.due).toBe(false);

    // Sessions time out as the clock moves: sign in again after each move.
    now += 2 * DAY - HOUR;
    const sameDay = await loginAs(server.url, 'patient');
    expect((await standingOf(sameDay, north)).checkIns.due).toBe(false);
    now += 2 * HOUR;
    const later = await loginAs(server.url, 'patient');
    expect((await standingOf(later, north)).checkIns.due).toBe(true);
    expect(planTasks('patient', await standingOf(later, north))).toEqual([{ kind: 'check_in' }]);

    const phq9 = { instrument: 'phq9', answers: answersFor('phq9', 7) };
    const done = await submit(later, north, phq9);
    expect(done.status).toBe(201);
    expect((await standingOf(later, north)).checkIns).toMatchObject({
      latest: [
        { instrument: 'phq9', score: 7 },
        { instrument: 'gad7', score: 8 },
      ],
      due: false,
    });

    now += 24 * HOUR - 60_000;
    const nextDay = await loginAs(server.url, 'patient');
    expect((await submit(nextDay, north, phq9)).status).toBe(409);
    now += 2 * 60_000;
    expect((await submit(nextDay, north, phq9)).status).toBe(201);
  });
});

describe('the FHIR export', () => {
  it('holds one Observation of the total score per check-in', async () => {
    const res = await as.prescriber.get<{
      entry: { fullUrl: string; resource: Record<string, unknown> & { resourceType: string } }[];
    }>(`/plans/${plans.north}/fhir`);
    expect(res.status).toBe(200);
    // Read before compiling the schema, which holds the event loop for seconds: a
    // kept-alive connection the server closed meanwhile would be reused and reset.
    const checkIns = await listCheckIns(as.prescriber, plans.north);
    const validate = fhirR4Validator();
    expect(validate(res.body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);

    const patient = res.body.entry.find((e) => e.resource.resourceType === 'Patient')!.resource;
    const observations = res.body.entry.filter((e) => e.resource.resourceType === 'Observation');
    expect(observations).toHaveLength(checkIns.length);
    const loinc = { phq9: '44261-6', gad7: '70274-6' };
    for (const c of checkIns) {
      const o = observations.find((e) => e.resource.id === `checkin-${c.id}`);
      expect(o?.fullUrl).toMatch(new RegExp(`/fhir/Observation/checkin-${c.id}$`));
      expect(o!.resource).toMatchObject({
        status: 'final',
        category: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                code: 'survey',
              },
            ],
          },
        ],
        code: { coding: [{ system: 'http://loinc.org', code: loinc[c.instrument] }] },
        subject: { reference: `Patient/${String(patient.id)}` },
        effectiveDateTime: c.submittedAt,
        valueInteger: c.score,
        interpretation: [{ text: expect.any(String) }],
      });
    }
    // Each answer as a component in LOINC codes, in the form's order; never the follow-up note.
    for (const c of checkIns) {
      const component = observations.find((e) => e.resource.id === `checkin-${c.id}`)!.resource
        .component as {
        code: { coding: { code: string }[] };
        valueCodeableConcept: { coding: { code: string }[] };
      }[];
      expect(component.map((k) => k.code.coding[0]!.code)).toEqual(
        QUESTIONNAIRES[c.instrument].itemLoinc,
      );
      expect(component.map((k) => k.valueCodeableConcept.coding[0]!.code)).toEqual(
        c.answers.map((a) => ANSWER_LOINC[a]),
      );
    }
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('Safety plan reviewed');
  });
});
