import { beforeAll, describe, expect, it } from 'vitest';
import { planDocName, readList } from '@tandem/shared';
import { readPlanSnapshot } from '@tandem/server/plans/content.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs, type UserApi } from '../../helpers/api.ts';
import { connectClient } from '../collab/helpers.ts';

/** The patient puts a goal in their own words, though the plan is read-only to them. */
let server: TestServer;
let plans: { north: string; south: string };
let patient: UserApi;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  plans = await demoPlans(server.url);
  patient = await loginAs(server.url, 'patient');
});

const goals = async (planId: string) => (await readPlanSnapshot(server.tandem.ctx, planId)).goals!;
const url = (planId: string, goalId: string) => `/plans/${planId}/goals/${goalId}/own-words`;

describe('a goal in the patient’s own words', () => {
  it('is written by the plan’s patient into that field only, live, attributed and audited', async () => {
    const [goal] = await goals(plans.north);
    const therapist = await loginAs(server.url, 'therapist');
    const open = connectClient(
      `${server.url.replace(/^http/, 'ws')}/collab`,
      planDocName(plans.north, 'care'),
      { token: therapist.token! },
    );
    await open.synced;

    const words = 'Being able to enjoy Sunday lunch with my sister again';
    expect((await patient.put(url(plans.north, goal!.id), { text: ` ${words} ` })).status).toBe(
      204,
    );
    const after = (await goals(plans.north)).find((g) => g.id === goal!.id)!;
    expect(after).toEqual({ ...goal, patientWords: words });
    // The therapist's open editor has it without reloading.
    await expect
      .poll(() => readList(open.doc, 'goals').find((g) => g.id === goal!.id)?.patientWords)
      .toBe(words);

    const db = server.tandem.ctx.conn;
    const byPatient = { docName: planDocName(plans.north, 'care'), userId: patient.user.id };
    expect(
      (await db.collection('collab_updates').countDocuments(byPatient)) +
        (await db.collection('collab_history').countDocuments(byPatient)),
    ).toBeGreaterThan(0);
    expect(
      await db.collection('audits').countDocuments({
        action: 'goal.own_words',
        actorId: patient.user.id,
        resourceId: goal!.id,
      }),
    ).toBe(1);

    // Empty clears it.
    expect((await patient.put(url(plans.north, goal!.id), { text: '' })).status).toBe(204);
    expect((await goals(plans.north)).find((g) => g.id === goal!.id)?.patientWords).toBe('');
  });

  it('is refused to anyone but the plan’s patient, for goals not on the plan, and for hidden characters', async () => {
    const [goal] = await goals(plans.north);
    const before = await goals(plans.north);
    for (const who of ['prescriber', 'therapist', 'coordinator', 'patient2'] as const) {
      const api = await loginAs(server.url, who);
      const res = await api.put(url(plans.north, goal!.id), { text: 'Not mine to say' });
      expect(res.status, who).toBe(403);
    }
    expect((await patient.put(url(plans.north, 'no-such-goal'), { text: 'x' })).status).toBe(404);
    for (const text of ['\u202Eeno', 'x'.repeat(1001)]) {
      expect((await patient.put(url(plans.north, goal!.id), { text })).status).toBe(400);
    }
    expect(await goals(plans.north)).toEqual(before);
  });
});
