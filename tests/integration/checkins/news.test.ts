import { beforeAll, describe, expect, it } from 'vitest';
import type { Notification, NotificationList } from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { loginAll, type DemoUser, type UserApi } from '../../helpers/api.ts';
import { collect, connectSocket, joinPlan } from '../../helpers/socket.ts';
import { answersFor, followUp, newNorthPatient, submit } from './helpers.ts';

let server: TestServer;
let as: Record<DemoUser, UserApi>;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  as = await loginAll(server.url);
});

const CHECK_IN_NEWS = ['check_in_submitted', 'check_in_safety', 'check_in_followed_up'];

/** Each person's check-in notifications about one plan, newest first. */
async function news(api: UserApi, planId: string): Promise<Notification[]> {
  const res = await api.get<NotificationList>('/notifications');
  expect(res.status).toBe(200);
  return res.body.items.filter((n) => n.planId === planId && CHECK_IN_NEWS.includes(n.type));
}

describe('news of a check-in', () => {
  it('goes to the prescribers and therapists of the team, as a safety alert when it is one', async () => {
    const { planId, patient } = await newNorthPatient(server.url);
    const calm = await submit(patient, planId, {
      instrument: 'gad7',
      answers: answersFor('gad7', 6),
    });
    const alarming = await submit(patient, planId, {
      instrument: 'phq9',
      answers: answersFor('phq9', 14, 1),
    });
    expect([calm.status, alarming.status]).toEqual([201, 201]);

    for (const who of ['prescriber', 'therapist'] as const) {
      expect(await news(as[who], planId), who).toEqual([
        expect.objectContaining({
          type: 'check_in_safety',
          checkInId: alarming.body.id,
          instrument: 'phq9',
          patientName: patient.user.name,
          actor: { id: patient.user.id, name: patient.user.name },
          commentId: null,
          version: null,
          readAt: null,
        }),
        expect.objectContaining({
          type: 'check_in_submitted',
          checkInId: calm.body.id,
          instrument: 'gad7',
        }),
      ]);
    }
    // Not the coordinator, not the patient who wrote it, not another team.
    for (const who of ['coordinator', 'prescriber2', 'patient2'] as const)
      expect(await news(as[who], planId), who).toEqual([]);
    expect(await news(patient as UserApi, planId)).toEqual([]);
    // A follow-up settles the alert for everyone and tells the other clinicians who did it.
    expect((await followUp(as.prescriber, planId, alarming.body.id, 'Called.')).status).toBe(200);
    const therapist = await news(as.therapist, planId);
    expect(therapist.map((n) => [n.type, n.readAt === null])).toEqual([
      ['check_in_followed_up', true],
      ['check_in_safety', false],
      ['check_in_submitted', true],
    ]);
    expect(therapist[0]).toMatchObject({
      checkInId: alarming.body.id,
      instrument: 'phq9',
      actor: { id: as.prescriber.user.id },
    });
    const prescriber = await news(as.prescriber, planId);
    expect(prescriber.map((n) => [n.type, n.readAt === null])).toEqual([
      ['check_in_safety', false],
      ['check_in_submitted', true],
    ]);
    for (const who of ['coordinator', 'prescriber2', 'patient2'] as const)
      expect(await news(as[who], planId), who).toEqual([]);
    expect(await news(patient as UserApi, planId)).toEqual([]);
  });

  it('reaches the care team’s open pages with the follow-up note and the patient’s without it', async () => {
    const { planId, patient } = await newNorthPatient(server.url);
    const sockets = {} as Record<
      'team' | 'coordinator' | 'patient' | 'other',
      ReturnType<typeof collect<'checkin:updated'>>
    >;
    const standing = {} as Record<'team' | 'patient', ReturnType<typeof collect<'plan:standing'>>>;
    const open = async (api: { token: string | null }, join: boolean) => {
      const socket = await connectSocket(server.url, api.token!);
      if (join) expect(await joinPlan(socket, planId)).toEqual({ ok: true });
      return socket;
    };
    const team = await open(as.therapist, true);
    sockets.team = collect(team, 'checkin:updated');
    standing.team = collect(team, 'plan:standing');
    sockets.coordinator = collect(await open(as.coordinator, true), 'checkin:updated');
    // In the plan's room too, the patient gets only their own copy, without the note.
    const own = await open(patient, true);
    sockets.patient = collect(own, 'checkin:updated');
    standing.patient = collect(own, 'plan:standing');
    sockets.other = collect(await open(as.prescriber2, false), 'checkin:updated');

    const submitted = await submit(patient, planId, {
      instrument: 'phq9',
      answers: answersFor('phq9', 10, 2),
    });
    expect(submitted.status).toBe(201);
    for (const who of ['team', 'coordinator', 'patient'] as const)
      await expect.poll(() => sockets[who], { timeout: 5_000 }).toEqual([submitted.body]);
    await expect.poll(() => standing.patient.length, { timeout: 5_000 }).toBe(1);
    await expect.poll(() => standing.team.length, { timeout: 5_000 }).toBe(1);

    const note = 'SOCKET-NOTE: spoke with the patient, safe at home.';
    const done = await followUp(as.prescriber, planId, submitted.body.id, note);
    expect(done.status).toBe(200);
    for (const who of ['team', 'coordinator'] as const)
      await expect.poll(() => sockets[who][1], { timeout: 5_000 }).toEqual(done.body);
    await expect
      .poll(() => sockets.patient[1], { timeout: 5_000 })
      .toEqual({
        ...done.body,
        followUp: { ...done.body.followUp, note: null },
      });
    expect(sockets.team[1]!.followUp?.note).toBe(note);
    expect(JSON.stringify(sockets.patient)).not.toContain('SOCKET-NOTE');
    // The team's lists count follow-ups; the patient's does not change with one.
    await expect.poll(() => standing.team.length, { timeout: 5_000 }).toBe(2);
    expect(standing.patient).toHaveLength(1);
    expect(sockets.other).toEqual([]);
  });
});
