import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import type {
  Comment,
  Notification,
  NotificationList,
  Proposal,
  VersionSummary,
} from '@tandem/shared';
import { readPlanSnapshot } from '@tandem/server/plans/content.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAll, type DemoUser, type UserApi } from '../../helpers/api.ts';
import { addMember, north, type Signed } from '../conference/helpers.ts';

let server: TestServer;
let planId: string;
let as: Record<DemoUser | 'therapist2' | 'prescriber2North', UserApi>;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  planId = (await demoPlans(server.url)).north;
  const { coordinator, teamId } = await north(server.url);
  // A second therapist and prescriber on the team: asked the same, each answers for themselves.
  const add = (name: string, role: 'therapist' | 'prescriber'): Promise<Signed> =>
    addMember(server.url, coordinator, teamId, name, role);
  as = {
    ...(await loginAll(server.url)),
    therapist2: (await add('Robin Park, PsyD', 'therapist')) as UserApi,
    prescriber2North: (await add('Dr. Lee Chen', 'prescriber')) as UserApi,
  };
});

/** One person's notifications of a type about the plan, newest first. */
async function news(api: UserApi, type: Notification['type']): Promise<Notification[]> {
  const res = await api.get<NotificationList>('/notifications');
  expect(res.status).toBe(200);
  return res.body.items.filter((n) => n.planId === planId && n.type === type);
}

/** Which of one person's version_signed notifications are unread, by version. */
async function unreadVersions(api: UserApi): Promise<number[]> {
  return (await news(api, 'version_signed')).filter((n) => !n.readAt).map((n) => n.version!);
}

async function signedVersion(label: string): Promise<number> {
  const url = `/plans/${planId}/versions`;
  const v = await as.therapist.post<VersionSummary>(url, { label });
  expect(v.status).toBe(201);
  expect((await as.prescriber.post(`${url}/${v.body.number}/sign`)).status).toBe(200);
  return v.body.number;
}

const sign = (api: UserApi, version: number, kind: 'cosign' | 'acknowledge') =>
  api.post(`/plans/${planId}/versions/${version}/${kind}`);

describe('a notification that asked something of someone', () => {
  it('is read once that person co-signed or reviewed the version, and only for them', async () => {
    const v1 = await signedVersion('Settled 1');
    const v2 = await signedVersion('Settled 2');
    for (const who of ['therapist', 'therapist2', 'patient'] as const)
      expect(await unreadVersions(as[who]), who).toEqual([v2, v1]);

    // The patient reviews the plan as it stands: the older version asks nothing more either.
    expect((await sign(as.patient, v2, 'acknowledge')).status).toBe(200);
    expect(await unreadVersions(as.patient)).toEqual([]);
    expect((await as.patient.get<NotificationList>('/notifications')).body.unread).toBe(0);

    // One therapist's co-signature is theirs: the other is still asked.
    expect((await sign(as.therapist, v2, 'cosign')).status).toBe(200);
    expect(await unreadVersions(as.therapist)).toEqual([]);
    expect(await unreadVersions(as.therapist2)).toEqual([v2, v1]);

    // Co-signing an older version leaves the newer one asking.
    expect((await sign(as.therapist2, v1, 'cosign')).status).toBe(200);
    expect(await unreadVersions(as.therapist2)).toEqual([v2]);
  });

  it('is read for every prescriber once the proposal is decided, and only that proposal’s', async () => {
    const Notifications = server.tandem.ctx.conn.collection('notifications');
    const [med] = (await readPlanSnapshot(server.tandem.ctx, planId)).medications!;
    const propose = async (rationale: string) => {
      const res = await as.therapist.post<Proposal>(`/plans/${planId}/proposals`, {
        change: { kind: 'change', medicationId: med!.id, dose: 75 },
        rationale,
      });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    // A request stored before requests named their proposal.
    const legacy = await Notifications.insertOne({
      userId: new Types.ObjectId(as.prescriber.user.id),
      type: 'proposal_opened',
      planId: new Types.ObjectId(planId),
      patientName: 'Alex Morgan',
      actorId: as.therapist.user.id,
      actorName: 'Sam Rivera, LCSW',
      readAt: null,
      createdAt: new Date(),
    });
    const first = await propose('Settled: first.');
    const second = await propose('Settled: second.');
    /** Who has the request to decide a proposal unread. */
    const askedOf = async (proposalId: string) =>
      (
        await Notifications.find({
          type: 'proposal_opened',
          proposalId: new Types.ObjectId(proposalId),
          readAt: null,
        }).toArray()
      )
        .map((n) => String(n.userId))
        .sort();
    const prescribers = [as.prescriber.user.id, as.prescriber2North.user.id].sort();
    expect(await askedOf(first)).toEqual(prescribers);
    expect(await askedOf(second)).toEqual(prescribers);

    const declined = await as.prescriber.post(`/plans/${planId}/proposals/${first}/decline`, {
      reason: 'Not yet.',
    });
    expect(declined.status).toBe(200);
    expect(await askedOf(first)).toEqual([]);
    expect(await askedOf(second)).toEqual(prescribers);
    expect((await Notifications.findOne({ _id: legacy.insertedId }))!.readAt).toBeNull();
    // The decision is news for the one who proposed: it waits to be read.
    expect((await news(as.therapist, 'proposal_declined'))[0]!.readAt).toBeNull();

    // The other prescriber decides the second; with none open, the old request goes too.
    expect(
      (
        await as.prescriber2North.post(`/plans/${planId}/proposals/${second}/decline`, {
          reason: 'Later.',
        })
      ).status,
    ).toBe(200);
    expect(await askedOf(second)).toEqual([]);
    expect((await Notifications.findOne({ _id: legacy.insertedId }))!.readAt).not.toBeNull();
    for (const who of ['prescriber', 'prescriber2North'] as const)
      expect(
        (await news(as[who], 'proposal_opened')).filter((n) => !n.readAt),
        who,
      ).toEqual([]);
  });

  it('about a conversation is read once that person answers or resolves it, and only for them', async () => {
    const start = async (goalId: string) => {
      const res = await as.patient.post<Comment>(`/plans/${planId}/comments`, {
        goalId,
        body: `Settled: about ${goalId}.`,
      });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    const sleep = await start('goal-sleep');
    const mood = await start('goal-mood');
    const unreadAbout = async (api: UserApi) =>
      (await news(api, 'patient_comment'))
        .filter((n) => !n.readAt && (n.commentId === sleep || n.commentId === mood))
        .map((n) => n.commentId);
    for (const who of ['therapist', 'prescriber'] as const)
      expect(await unreadAbout(as[who]), who).toEqual([mood, sleep]);

    const replied = await as.therapist.post(`/plans/${planId}/comments/${sleep}/replies`, {
      body: 'Settled: glad to hear it.',
    });
    expect(replied.status).toBe(201);
    expect(await unreadAbout(as.therapist)).toEqual([mood]);
    expect(await unreadAbout(as.prescriber)).toEqual([mood, sleep]);

    const resolved = await as.prescriber.post(`/plans/${planId}/comments/${mood}/resolve`);
    expect(resolved.status).toBe(200);
    expect(await unreadAbout(as.prescriber)).toEqual([sleep]);
    expect(await unreadAbout(as.therapist)).toEqual([mood]);
  });
});
