import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import type { CheckIn } from '@tandem/shared';
import { appendCheckIn, recordFollowUp } from '@tandem/server/checkins/store.ts';
import { checkInModel, type StoredCheckIn } from '@tandem/server/checkins/model.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAll, type DemoUser, type UserApi } from '../../helpers/api.ts';
import {
  answersFor,
  followUp,
  listCheckIns,
  newNorthPatient,
  submit,
  type Signed,
} from './helpers.ts';

let server: TestServer;
let as: Record<DemoUser, UserApi>;
let plans: { north: string; south: string };

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  as = await loginAll(server.url);
  plans = await demoPlans(server.url);
});

const stored = (planId: string) =>
  server.tandem.ctx.conn
    .collection('check_ins')
    .find({ planId: new Types.ObjectId(planId) })
    .toArray();

describe('completing a check-in', () => {
  it('is the patient’s, on their own plan; the server scores it and the care team reads it', async () => {
    const { planId, patient } = await newNorthPatient(server.url);
    const res = await submit(patient, planId, {
      instrument: 'gad7',
      answers: [1, 2, 1, 0, 3, 2, 1],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      planId,
      instrument: 'gad7',
      answers: [1, 2, 1, 0, 3, 2, 1],
      difficulty: null,
      score: 10,
      severity: 'moderate',
      safety: false,
      submittedAt: expect.any(String),
      followUp: null,
    });
    for (const who of [patient, as.prescriber, as.therapist, as.coordinator])
      expect(await listCheckIns(who, planId)).toEqual([res.body]);

    const withDifficulty = await submit(patient, planId, {
      instrument: 'phq9',
      answers: answersFor('phq9', 21),
      difficulty: 3,
    });
    expect(withDifficulty.status).toBe(201);
    expect(withDifficulty.body).toMatchObject({ score: 21, severity: 'severe', difficulty: 3 });
    // Newest first.
    expect((await listCheckIns(as.coordinator, planId)).map((c) => c.instrument)).toEqual([
      'phq9',
      'gad7',
    ]);
  });

  it('is refused to the care team, to another patient of the team and to another team', async () => {
    const { planId } = await newNorthPatient(server.url);
    const body = { instrument: 'phq9', answers: answersFor('phq9', 5) };
    for (const who of [
      'prescriber',
      'therapist',
      'coordinator',
      'patient',
      'prescriber2',
      'patient2',
    ] as const) {
      const res = await submit(as[who], planId, body);
      expect(res.status, who).toBe(403);
      expect(res.body, who).toMatchObject({ error: { code: 'forbidden' } });
    }
    // The South patient cannot complete one on the North plan either.
    expect((await submit(as.patient2, plans.north, body)).status).toBe(403);
    expect(await stored(planId)).toEqual([]);

    // Reading: the whole care team and the patient; nobody from elsewhere.
    for (const who of ['prescriber2', 'patient2'] as const)
      expect((await as[who].get(`/plans/${plans.north}/check-ins`)).status, who).toBe(403);
    expect((await as.patient.get(`/plans/${planId}/check-ins`)).status).toBe(403);
    expect((await as.coordinator.get(`/plans/${planId}/check-ins`)).status).toBe(200);
  });

  it('takes only a complete form of a known kind, never a score', async () => {
    const { planId, patient } = await newNorthPatient(server.url);
    const bad: [string, unknown][] = [
      ['too few answers', { instrument: 'phq9', answers: answersFor('gad7', 3) }],
      ['too many answers', { instrument: 'gad7', answers: answersFor('phq9', 3) }],
      ['an answer above 3', { instrument: 'gad7', answers: [4, 0, 0, 0, 0, 0, 0] }],
      ['a negative answer', { instrument: 'gad7', answers: [-1, 0, 0, 0, 0, 0, 0] }],
      ['a fraction', { instrument: 'gad7', answers: [1.5, 0, 0, 0, 0, 0, 0] }],
      [
        'a difficulty out of range',
        { instrument: 'gad7', answers: [0, 0, 0, 0, 0, 0, 0], difficulty: 4 },
      ],
      ['an unknown form', { instrument: 'phq2', answers: [0, 0] }],
      ['no form', { answers: [0, 0, 0, 0, 0, 0, 0] }],
      ['an extra field', { instrument: 'gad7', answers: [0, 0, 0, 0, 0, 0, 0], mood: 'ok' }],
      ['a score', { instrument: 'gad7', answers: [0, 0, 0, 0, 0, 0, 0], score: 21 }],
      ['a severity', { instrument: 'gad7', answers: [0, 0, 0, 0, 0, 0, 0], severity: 'severe' }],
    ];
    for (const [what, body] of bad) {
      const res = await submit(patient, planId, body);
      expect(res.status, what).toBe(400);
      expect(res.body, what).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect(await stored(planId)).toEqual([]);
  });

  it('keeps the server’s score and severity whatever the answers add up to', async () => {
    const { planId, patient } = await newNorthPatient(server.url);
    const answers = [3, 3, 3, 2, 2, 2, 1, 1, 0];
    const res = await submit(patient, planId, { instrument: 'phq9', answers });
    expect(res.body).toMatchObject({ score: 17, severity: 'moderately_severe', safety: false });
    const [doc] = await stored(planId);
    expect(doc).toMatchObject({ answers, score: 17, severity: 'moderately_severe', safety: false });
  });

  it('is once a day of each kind, and a double click stores one', async () => {
    const { planId, patient } = await newNorthPatient(server.url);
    const phq9 = { instrument: 'phq9', answers: answersFor('phq9', 8) };
    expect((await submit(patient, planId, phq9)).status).toBe(201);
    const again = await submit(patient, planId, phq9);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: { code: 'check_in_too_soon', message: expect.stringContaining('tomorrow') },
    });
    // The other form is a check-in of its own.
    expect(
      (await submit(patient, planId, { instrument: 'gad7', answers: answersFor('gad7', 4) }))
        .status,
    ).toBe(201);

    const fresh = await newNorthPatient(server.url);
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => submit(fresh.patient, fresh.planId, phq9)),
    );
    expect(burst.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of burst.filter((r) => r.status === 409))
      expect(r.body).toMatchObject({ error: { code: 'check_in_too_soon' } });
    expect(await stored(fresh.planId)).toHaveLength(1);

    // However close together: two that both pass the check for an earlier one still store one.
    const racing = await newNorthPatient(server.url);
    const store = (difficulty: number) =>
      appendCheckIn(server.tandem.ctx, {
        planId: racing.planId,
        instrument: 'gad7',
        answers: answersFor('gad7', 9),
        difficulty,
        submittedBy: { id: racing.patient.user.id, name: racing.patient.user.name },
        submittedAt: new Date(),
      });
    const raced = await Promise.allSettled([store(0), store(1), store(2)]);
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of raced.filter((r) => r.status === 'rejected'))
      expect(r.reason).toMatchObject({ status: 409, code: 'check_in_too_soon' });
    expect(await stored(racing.planId)).toHaveLength(1);
  });
});

describe('following up a safety answer', () => {
  async function flagged(): Promise<{ planId: string; patient: Signed; checkIn: CheckIn }> {
    const { planId, patient } = await newNorthPatient(server.url);
    const res = await submit(patient, planId, {
      instrument: 'phq9',
      answers: answersFor('phq9', 12, 2),
    });
    expect(res.body).toMatchObject({ score: 12, safety: true, followUp: null });
    return { planId, patient, checkIn: res.body };
  }

  it('is the prescriber’s or the therapist’s; the patient sees who and when, not the note', async () => {
    const { planId, patient, checkIn } = await flagged();
    for (const who of ['coordinator', 'prescriber2', 'patient2'] as const)
      expect((await followUp(as[who], planId, checkIn.id, 'Called.')).status, who).toBe(403);
    expect((await followUp(patient, planId, checkIn.id, 'I am fine.')).status).toBe(403);

    const note = 'Called the same day; safety plan reviewed, no intent.';
    const res = await followUp(as.therapist, planId, checkIn.id, note);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...checkIn,
      followUp: {
        by: { id: as.therapist.user.id, name: 'Sam Rivera, LCSW' },
        at: expect.any(String),
        note,
      },
    });
    for (const who of [as.prescriber, as.therapist, as.coordinator])
      expect((await listCheckIns(who, planId))[0]!.followUp).toEqual(res.body.followUp);
    expect((await listCheckIns(patient, planId))[0]!.followUp).toEqual({
      ...res.body.followUp,
      note: null,
    });

    // Once only.
    const twice = await followUp(as.prescriber, planId, checkIn.id, 'Me too.');
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'check_in_followed_up' } });
    expect((await listCheckIns(as.prescriber, planId))[0]!.followUp?.note).toBe(note);
  });

  it('answers 404 for a check-in that is not there and 409 for one with nothing to follow up', async () => {
    const { planId, patient, checkIn } = await flagged();
    const other = await flagged();
    for (const id of [new Types.ObjectId().toHexString(), 'not-an-id', other.checkIn.id]) {
      const res = await followUp(as.prescriber, planId, id, 'Called.');
      expect(res.status, id).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    }
    const calm = await submit(patient, planId, {
      instrument: 'gad7',
      answers: answersFor('gad7', 15),
    });
    const res = await followUp(as.prescriber, planId, calm.body.id, 'Called.');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'check_in_not_flagged' } });

    for (const body of [
      {},
      { note: '   ' },
      { note: 'Called.', urgent: true },
      { note: 'x'.repeat(2001) },
    ]) {
      const bad = await as.prescriber.post(
        `/plans/${planId}/check-ins/${checkIn.id}/follow-up`,
        body,
      );
      expect(bad.status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await listCheckIns(as.prescriber, planId))[1]!.followUp).toBeNull();
  });

  it('lets exactly one of two clinicians at the same moment record it', async () => {
    const { planId, checkIn } = await flagged();
    const [a, b] = await Promise.all([
      followUp(as.prescriber, planId, checkIn.id, 'Prescriber called.'),
      followUp(as.therapist, planId, checkIn.id, 'Therapist called.'),
    ]);
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    const winner = a!.status === 200 ? a! : b!;
    const [stored] = await listCheckIns(as.coordinator, planId);
    expect(stored!.followUp).toEqual(winner.body.followUp);
    const claims = await server.tandem.ctx.conn
      .collection('check_in_follow_ups')
      .countDocuments({ checkInId: new Types.ObjectId(checkIn.id) });
    expect(claims).toBe(1);

    // However close together: two that both read it unanswered still record one.
    const next = await flagged();
    const read = await checkInModel(server.tandem.ctx.conn)
      .findById(next.checkIn.id)
      .lean<StoredCheckIn>();
    const record = (who: UserApi) =>
      recordFollowUp(server.tandem.ctx, read!, {
        by: { id: who.user.id, name: who.user.name },
        at: new Date(),
        note: `${who.user.name} called.`,
      });
    const raced = await Promise.allSettled([record(as.prescriber), record(as.therapist)]);
    expect(raced.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const won = raced.find((r) => r.status === 'fulfilled')!.value;
    expect((await listCheckIns(as.coordinator, next.planId))[0]!.followUp?.note).toBe(
      won.followUp?.note,
    );
  });
});

describe('the audit trail of check-ins', () => {
  it('records each read, completion and follow-up, naming the form at most', async () => {
    const { planId, patient } = await newNorthPatient(server.url);
    const answers = answersFor('phq9', 23, 3);
    const c = await submit(patient, planId, { instrument: 'phq9', answers, difficulty: 2 });
    await listCheckIns(as.coordinator, planId);
    const note = 'AUDIT-NOTE-5c1e: reached by phone';
    expect((await followUp(as.prescriber, planId, c.body.id, note)).status).toBe(200);
    expect(
      (await submit(as.coordinator, planId, { instrument: 'gad7', answers: answersFor('gad7', 1) }))
        .status,
    ).toBe(403);

    const patientId = (await server.tandem.ctx.conn
      .collection('plans')
      .findOne({ _id: new Types.ObjectId(planId) }))!.patientId as Types.ObjectId;
    const records = await server.tandem.ctx.conn
      .collection('audits')
      .find({ patientId: String(patientId) })
      .toArray();
    const find = (action: string) => records.filter((r) => r.action === action);
    expect(find('checkin.submit')).toEqual([
      expect.objectContaining({
        actorId: patient.user.id,
        actorRole: 'patient',
        outcome: 'success',
        resourceType: 'check_in',
        resourceId: c.body.id,
        details: { instrument: 'phq9' },
      }),
    ]);
    expect(find('checkin.list')).toEqual([
      expect.objectContaining({
        actorId: as.coordinator.user.id,
        actorRole: 'coordinator',
        resourceType: 'check_in',
        resourceId: planId,
      }),
    ]);
    expect(find('checkin.follow_up')).toEqual([
      expect.objectContaining({
        actorId: as.prescriber.user.id,
        resourceType: 'check_in',
        resourceId: c.body.id,
        details: { instrument: 'phq9' },
      }),
    ]);
    expect(find('access.denied')).toEqual([
      expect.objectContaining({
        actorId: as.coordinator.user.id,
        outcome: 'denied',
        details: expect.objectContaining({ permission: 'checkin.submit', reason: 'role' }),
      }),
    ]);
    // What was answered, scored and written stays out of the trail.
    const trail = JSON.stringify(records.filter((r) => String(r.action).startsWith('checkin.')));
    expect(trail).not.toContain('AUDIT-NOTE');
    expect(trail).not.toContain(JSON.stringify(answers));
    expect(trail).not.toMatch(/score|severity|answers|safety|note/);
  });
});
