import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import type {
  Comment,
  Notification,
  NotificationList,
  Proposal,
  TeamSummary,
  VersionSummary,
} from '@tandem/shared';
import { readPlanSnapshot } from '@tandem/server/plans/content.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAll, type DemoUser, type UserApi } from '../../helpers/api.ts';
import { collect, connectSocket } from '../../helpers/socket.ts';

let server: TestServer;
let planId: string;
let as: Record<DemoUser, UserApi>;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  planId = (await demoPlans(server.url)).north;
  as = await loginAll(server.url);
});

/** Each person's notifications of one type, newest first. */
async function news(who: DemoUser, type: Notification['type']): Promise<Notification[]> {
  const res = await as[who].get<NotificationList>('/notifications');
  expect(res.status).toBe(200);
  return res.body.items.filter((n) => n.type === type);
}

describe('news about a plan', () => {
  it('a signed version asks the therapist to co-sign and the patient to review', async () => {
    const url = `/plans/${planId}/versions`;
    const v = await as.therapist.post<VersionSummary>(url, { label: 'After intake' });
    expect((await as.prescriber.post(`${url}/${v.body.number}/sign`)).status).toBe(200);

    for (const who of ['therapist', 'patient'] as const) {
      const [n] = await news(who, 'version_signed');
      expect(n, who).toMatchObject({
        planId,
        patientName: 'Alex Morgan',
        version: v.body.number,
        commentId: null,
        goalId: null,
        actor: { id: as.prescriber.user.id, name: 'Dr. Maya Okafor' },
        readAt: null,
      });
    }
    // Not the one who signed, not those with nothing to do, not another team.
    for (const who of ['prescriber', 'coordinator', 'prescriber2', 'patient2'] as const)
      expect(await news(who, 'version_signed'), who).toEqual([]);
  });

  it('a proposal waits for the prescriber, and its decision goes back to the proposer, live', async () => {
    const socket = await connectSocket(server.url, as.prescriber.token!);
    const live = collect(socket, 'notification:new');
    const [med] = (await readPlanSnapshot(server.tandem.ctx, planId)).medications!;
    const proposed = await as.therapist.post<Proposal>(`/plans/${planId}/proposals`, {
      change: { kind: 'change', medicationId: med!.id, dose: 100 },
      rationale: 'Partial response at six weeks.',
    });
    expect(proposed.status).toBe(201);
    await expect.poll(() => live.map((n) => n.type)).toContain('proposal_opened');
    expect((await news('prescriber', 'proposal_opened'))[0]).toMatchObject({
      planId,
      actor: { name: 'Sam Rivera, LCSW' },
    });
    for (const who of ['therapist', 'coordinator', 'patient', 'prescriber2'] as const)
      expect(await news(who, 'proposal_opened'), who).toEqual([]);

    const decided = await as.prescriber.post(
      `/plans/${planId}/proposals/${proposed.body.id}/decline`,
      { reason: 'Side effects first.' },
    );
    expect(decided.status).toBe(200);
    expect((await news('therapist', 'proposal_declined'))[0]).toMatchObject({
      planId,
      actor: { name: 'Dr. Maya Okafor' },
    });
    expect(await news('patient', 'proposal_declined')).toEqual([]);
    expect(await news('prescriber', 'proposal_declined')).toEqual([]);
  });

  it('stops once the person has left the care team', async () => {
    const [med] = (await readPlanSnapshot(server.tandem.ctx, planId)).medications!;
    const proposed = await as.therapist.post<Proposal>(`/plans/${planId}/proposals`, {
      change: { kind: 'stop', medicationId: med!.id },
      rationale: 'Asked by the patient.',
    });
    const thread = await as.therapist.post<Comment>(`/plans/${planId}/comments`, {
      goalId: 'goal-sleep',
      body: 'How did the wind-down routine go?',
    });
    const stored = () =>
      server.tandem.ctx.conn
        .collection('notifications')
        .countDocuments({ userId: new Types.ObjectId(as.therapist.user.id) });
    expect(await stored()).toBeGreaterThan(0);

    const [team] = (await as.coordinator.get<TeamSummary[]>('/teams')).body;
    const removed = await as.coordinator.delete(
      `/teams/${team!.id}/members/${as.therapist.user.id}`,
    );
    expect(removed.status).toBe(204);
    // What they were told of the team's patient goes with them.
    expect(await stored()).toBe(0);
    expect((await as.therapist.get<NotificationList>('/notifications')).body).toEqual({
      unread: 0,
      items: [],
    });
    // The patient answers the thread the therapist started; the prescriber accepts the proposal.
    await as.patient.post(`/plans/${planId}/comments/${thread.body.id}/replies`, {
      body: 'Better, thank you.',
    });
    expect(
      (await as.prescriber.post(`/plans/${planId}/proposals/${proposed.body.id}/accept`)).status,
    ).toBe(200);
    // Heard by those still on the team…
    expect((await news('prescriber', 'patient_comment')).length).toBeGreaterThan(0);
    // …and by nobody who left.
    expect(await stored()).toBe(0);
  });
});
