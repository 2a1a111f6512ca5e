import { beforeAll, describe, expect, it } from 'vitest';
import { readList, type Comment, type Notification, type NotificationList } from '@tandem/shared';
import { loadPlanDoc } from '@tandem/server/plans/content.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAll, type DemoUser, type UserApi } from '../../helpers/api.ts';

let server: TestServer;
let planId: string;
let as: Record<DemoUser, UserApi>;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  planId = (await demoPlans(server.url)).north;
  as = await loginAll(server.url);
});

/** One person's notification about a comment. */
async function newsOf(api: UserApi, commentId: string): Promise<Notification | undefined> {
  const res = await api.get<NotificationList>('/notifications');
  expect(res.status).toBe(200);
  return res.body.items.find((n) => n.commentId === commentId);
}

const comment = (api: UserApi, body: Record<string, unknown>) =>
  api.post<Comment>(`/plans/${planId}/comments`, body);

describe('news of a comment', () => {
  it('names the goal as its conversation did, and says nothing of what was written', async () => {
    const goals = readList(await loadPlanDoc(server.tandem.ctx, planId, 'care'), 'goals');
    const [sleep, mood] = await Promise.all(
      goals.slice(0, 2).map((g) => comment(as.patient, { goalId: g.id, body: 'NEWS-BODY' })),
    );
    expect([sleep!.status, mood!.status]).toEqual([201, 201]);
    expect([sleep!.body.goalTitle, mood!.body.goalTitle]).toEqual([
      goals[0]!.title,
      goals[1]!.title,
    ]);
    expect(goals[0]!.title).not.toBe(goals[1]!.title);

    for (const c of [sleep!.body, mood!.body]) {
      const n = await newsOf(as.therapist, c.id);
      expect(n).toMatchObject({
        type: 'patient_comment',
        goalId: c.goalId,
        goalTitle: c.goalTitle,
      });
      expect(JSON.stringify(n)).not.toContain('NEWS-BODY');
    }

    // A reply and a mention in the thread name the goal its first comment named.
    const reply = await as.therapist.post<Comment>(
      `/plans/${planId}/comments/${sleep!.body.id}/replies`,
      { body: 'NEWS-BODY reply', mentions: [as.prescriber.user.id] },
    );
    expect(reply.status).toBe(201);
    expect(reply.body.goalTitle).toBeNull();
    expect(await newsOf(as.patient, reply.body.id)).toMatchObject({
      type: 'reply',
      goalTitle: sleep!.body.goalTitle,
    });
    expect(await newsOf(as.prescriber, reply.body.id)).toMatchObject({
      type: 'mention',
      goalTitle: sleep!.body.goalTitle,
    });
  });

  it('names no goal when its conversation had no title to give', async () => {
    const gone = await comment(as.patient, { goalId: 'goal-not-in-plan', body: 'NEWS-BODY gone' });
    expect(gone.status).toBe(201);
    expect(gone.body.goalTitle).toBeNull();
    expect(await newsOf(as.therapist, gone.body.id)).toMatchObject({
      type: 'patient_comment',
      goalTitle: null,
    });
  });
});
