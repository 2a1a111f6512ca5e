import { beforeAll, describe, expect, it } from 'vitest';
import { readList, type Comment, type CommentThread, type NotificationList } from '@tandem/shared';
import { loadPlanDoc } from '@tandem/server/plans/content.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs } from '../../helpers/api.ts';
import { collect, connectSocket, joinPlan } from '../../helpers/socket.ts';

let server: TestServer;
let plans: { north: string; south: string };

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  plans = await demoPlans(server.url);
});

describe('comments on goals', () => {
  it("delivers a patient's comment live to a clinician's open socket and notifies the care team", async () => {
    const therapist = await loginAs(server.url, 'therapist');
    const socket = await connectSocket(server.url, therapist.token!);
    expect(await joinPlan(socket, plans.north)).toEqual({ ok: true });
    const live = collect(socket, 'comment:created');
    const notes = collect(socket, 'notification:new');

    const patient = await loginAs(server.url, 'patient');
    const res = await patient.post<Comment>(`/plans/${plans.north}/comments`, {
      goalId: 'goal-sleep',
      body: 'Walking after dinner has helped me sleep.',
    });
    expect(res.status).toBe(201);
    expect(res.body.author).toMatchObject({ name: 'Alex Morgan', role: 'patient' });

    await expect.poll(() => live.map((c) => c.id)).toContain(res.body.id);
    await expect.poll(() => notes.map((n) => n.type)).toContain('patient_comment');
    for (const who of ['prescriber', 'coordinator'] as const) {
      const member = await loginAs(server.url, who);
      const list = await member.get<NotificationList>('/notifications');
      expect(list.body.items.some((n) => n.commentId === res.body.id)).toBe(true);
      expect(list.body.unread).toBeGreaterThan(0);
    }
    const own = await patient.get<NotificationList>('/notifications');
    expect(own.body.items.some((n) => n.commentId === res.body.id)).toBe(false);
  });

  it("refuses a patient's comment on another patient's plan", async () => {
    const patient2 = await loginAs(server.url, 'patient2');
    const res = await patient2.post(`/plans/${plans.north}/comments`, {
      goalId: 'goal-sleep',
      body: 'Not my plan',
    });
    expect(res.status).toBe(403);
    const socket = await connectSocket(server.url, patient2.token!);
    expect(await joinPlan(socket, plans.north)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const prescriber = await loginAs(server.url, 'prescriber');
    const threads = await prescriber.get<CommentThread[]>(`/plans/${plans.north}/comments`);
    expect(threads.body.flatMap((t) => t.comments).some((c) => c.body === 'Not my plan')).toBe(
      false,
    );
  });

  it('creates mention notifications only for people on the care team', async () => {
    const prescriber = await loginAs(server.url, 'prescriber');
    const therapist = await loginAs(server.url, 'therapist');
    const outsider = await loginAs(server.url, 'prescriber2');
    const before = (await therapist.get<NotificationList>('/notifications')).body.unread;

    const ok = await prescriber.post<Comment>(`/plans/${plans.north}/comments`, {
      goalId: 'goal-mood',
      body: '@Sam could we add behavioural activation homework?',
      mentions: [therapist.user.id],
    });
    expect(ok.status).toBe(201);
    const after = await therapist.get<NotificationList>('/notifications');
    expect(after.body.unread).toBe(before + 1);
    expect(after.body.items[0]).toMatchObject({
      type: 'mention',
      commentId: ok.body.id,
      actor: { name: 'Dr. Maya Okafor' },
      patientName: 'Alex Morgan',
    });

    const bad = await prescriber.post(`/plans/${plans.north}/comments`, {
      goalId: 'goal-mood',
      body: 'mentioning someone outside',
      mentions: [outsider.user.id],
    });
    expect(bad.status).toBe(400);

    const read = await therapist.post<{ updated: number }>('/notifications/read', { all: true });
    expect(read.body.updated).toBeGreaterThan(0);
    expect((await therapist.get<NotificationList>('/notifications')).body.unread).toBe(0);
  });

  it('threads replies, lets only the author edit, and resolves and reopens', async () => {
    const therapist = await loginAs(server.url, 'therapist');
    const patient = await loginAs(server.url, 'patient');
    const root = await patient.post<Comment>(`/plans/${plans.north}/comments`, {
      goalId: 'goal-work',
      body: 'Can we talk about returning to work?',
    });
    const reply = await therapist.post<Comment>(
      `/plans/${plans.north}/comments/${root.body.id}/replies`,
      { body: 'Yes — let us plan it at our next session.' },
    );
    expect(reply.status).toBe(201);
    expect(reply.body.threadId).toBe(root.body.id);
    const patientNotes = await patient.get<NotificationList>('/notifications');
    expect(patientNotes.body.items.some((n) => n.type === 'reply')).toBe(true);

    expect(
      (await therapist.patch(`/plans/${plans.north}/comments/${root.body.id}`, { body: 'x' }))
        .status,
    ).toBe(403);
    const edited = await patient.patch<Comment>(`/plans/${plans.north}/comments/${root.body.id}`, {
      body: 'Can we talk about going back to work part-time?',
    });
    expect(edited.body.editedAt).not.toBeNull();

    const resolved = await therapist.post<Comment>(
      `/plans/${plans.north}/comments/${root.body.id}/resolve`,
    );
    expect(resolved.body.resolvedAt).not.toBeNull();
    expect(
      (await therapist.post(`/plans/${plans.north}/comments/${root.body.id}/resolve`)).status,
    ).toBe(409);
    const reopened = await patient.post<Comment>(
      `/plans/${plans.north}/comments/${root.body.id}/reopen`,
    );
    expect(reopened.body.resolvedAt).toBeNull();

    const threads = await therapist.get<CommentThread[]>(
      `/plans/${plans.north}/comments?goalId=goal-work`,
    );
    expect(threads.body).toHaveLength(1);
    expect(threads.body[0]!.comments.map((c) => c.body)).toEqual([
      'Can we talk about going back to work part-time?',
      'Yes — let us plan it at our next session.',
    ]);
  });

  it('keeps an edit and a resolve of a first comment made while replies arrive', async () => {
    const patient = await loginAs(server.url, 'patient');
    const therapist = await loginAs(server.url, 'therapist');
    const prescriber = await loginAs(server.url, 'prescriber');
    const base = `/plans/${plans.north}/comments`;
    const roots = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        patient.post<Comment>(base, { goalId: 'goal-sleep', body: `Question ${i}` }),
      ),
    );
    // Each reply also updates the first comment (who wrote last), like the edit and the resolve.
    const answers = await Promise.all(
      roots.flatMap(({ body: root }) => [
        patient.patch(`${base}/${root.id}`, { body: `${root.body}, edited` }),
        prescriber.post(`${base}/${root.id}/resolve`),
        ...['One', 'Two', 'Three'].map((body) =>
          therapist.post(`${base}/${root.id}/replies`, { body }),
        ),
      ]),
    );
    expect(answers.map((r) => r.status).every((s) => s === 200 || s === 201)).toBe(true);

    const threads = await therapist.get<CommentThread[]>(`${base}?goalId=goal-sleep`);
    for (const { body: root } of roots) {
      const thread = threads.body.find((t) => t.id === root.id)!;
      expect(thread.comments[0]).toMatchObject({ body: `${root.body}, edited` });
      expect(thread.resolvedAt).not.toBeNull();
      expect(
        thread.comments
          .slice(1)
          .map((c) => c.body)
          .sort(),
      ).toEqual(['One', 'Three', 'Two']);
    }
  });

  it('records the goal’s title with a new conversation, for when the goal is gone', async () => {
    const care = await loadPlanDoc(server.tandem.ctx, plans.north, 'care');
    const goal = readList(care, 'goals')[0]!;
    const patient = await loginAs(server.url, 'patient');
    const base = `/plans/${plans.north}/comments`;
    const root = await patient.post<Comment>(base, { goalId: goal.id, body: 'About this goal' });
    expect(root.body.goalTitle).toBe(goal.title);
    const reply = await patient.post<Comment>(`${base}/${root.body.id}/replies`, {
      body: 'And one more thing',
    });
    expect(reply.body.goalTitle).toBeNull();
    const unknown = await patient.post<Comment>(base, { goalId: 'goal-gone', body: 'Still here?' });
    expect(unknown.body.goalTitle).toBeNull();
    const threads = await patient.get<CommentThread[]>(`${base}?goalId=${goal.id}`);
    expect(threads.body.find((t) => t.id === root.body.id)?.goalTitle).toBe(goal.title);
  });

  it('resolves a thread once when several people resolve it at once', async () => {
    const patient = await loginAs(server.url, 'patient');
    const therapist = await loginAs(server.url, 'therapist');
    const prescriber = await loginAs(server.url, 'prescriber');
    const base = `/plans/${plans.north}/comments`;
    const root = await patient.post<Comment>(base, { goalId: 'goal-sleep', body: 'Once' });
    const tries = await Promise.all(
      [therapist, prescriber, therapist, prescriber].map((who) =>
        who.post(`${base}/${root.body.id}/resolve`),
      ),
    );
    expect(tries.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const reopens = await Promise.all(
      [patient, therapist].map((who) => who.post(`${base}/${root.body.id}/reopen`)),
    );
    expect(reopens.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('rejects empty, oversized and unknown-field comments without storing them', async () => {
    const therapist = await loginAs(server.url, 'therapist');
    const url = `/plans/${plans.north}/comments`;
    for (const body of [
      { goalId: 'g', body: '   ' },
      { goalId: 'g', body: 'x'.repeat(4001) },
      { goalId: 'g', body: 'ok', extra: true },
      { body: 'no goal' },
    ]) {
      const res = await therapist.post(url, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
    const threads = await therapist.get<CommentThread[]>(`${url}?goalId=g`);
    expect(threads.body).toEqual([]);
  });
});
