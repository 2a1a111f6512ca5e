import { beforeAll, describe, expect, it } from 'vitest';
import {
  CloseCode,
  timerElapsedMs,
  type AttendanceEntry,
  type ConferenceSummary,
  type ConferenceView,
} from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { connectClient } from '../collab/helpers.ts';
import { loginAs } from '../../helpers/api.ts';
import {
  addMember,
  addPatient,
  createConference,
  emit,
  join,
  north,
  ok,
  participant,
  planOf,
  unique,
  type Participant,
  type Signed,
} from './helpers.ts';

/**
 * Live control of a conference with people spread over two instances of one
 * deployment (same database, same Redis): what the presenter does reaches
 * everyone through the Redis adapter, and the state lives in the database.
 */
let a: TestServer;
let b: TestServer;
let people: {
  coordinator: Signed;
  prescriber: Signed;
  therapist: Signed;
  member: Signed;
  alex: Signed;
  riley: Signed;
  sam: Signed;
  outsider: Signed;
};
let teamId: string;
let plans: { alex: string; riley: string; sam: string };

beforeAll(async () => {
  a = await startTestServer({ seedDemo: true, redis: true });
  b = await startTestServer({ dbName: a.dbName, redis: true });
  const n = await north(a.url);
  teamId = n.teamId;
  const riley = await addPatient(a.url, n.coordinator, teamId, 'Riley Chen');
  const sam = await addPatient(a.url, n.coordinator, teamId, 'Sam Ortiz');
  people = {
    coordinator: n.coordinator,
    prescriber: (await loginAs(b.url, 'prescriber')) as Signed,
    therapist: (await loginAs(a.url, 'therapist')) as Signed,
    member: await addMember(b.url, n.coordinator, teamId, 'Avery Quinn'),
    alex: (await loginAs(b.url, 'patient')) as Signed,
    riley: riley.client,
    sam: sam.client,
    outsider: (await loginAs(b.url, 'prescriber2')) as Signed,
  };
  plans = {
    alex: await planOf(n.coordinator, 'Alex Morgan'),
    riley: riley.planId,
    sam: sam.planId,
  };
});

/** A live conference on Alex (invited), Riley (invited) and Sam (not invited). */
async function liveConference(): Promise<ConferenceView> {
  const created = await createConference(people.coordinator, {
    teamId,
    title: unique('Weekly case conference'),
    scheduledAt: new Date(Date.now() + 60_000).toISOString(),
    cases: [
      {
        planId: plans.alex,
        reason: 'Sleep worse since dose change',
        timeBoxMinutes: 10,
        patientInvited: true,
      },
      {
        planId: plans.riley,
        reason: 'Review of therapy goals',
        timeBoxMinutes: 15,
        patientInvited: true,
      },
      { planId: plans.sam, reason: 'New referral', timeBoxMinutes: 5 },
    ],
  });
  return ok(
    await people.coordinator.post<ConferenceView>(`/conferences/${created.id}/start`),
    'start',
  );
}

/** The host on instance A, followers spread over both instances. */
async function room(conf: ConferenceView) {
  const host = await participant(a.url, people.coordinator);
  const prescriber = await participant(b.url, people.prescriber);
  const therapist = await participant(a.url, people.therapist);
  const member = await participant(b.url, people.member);
  for (const p of [host, prescriber, therapist, member]) await join(p, conf.id);
  return { host, prescriber, therapist, member, followers: [prescriber, therapist, member] };
}

const caseIds = (conf: ConferenceView) => conf.cases.map((c) => c.id);

describe('live control across two instances', () => {
  it('takes every follower to where the host goes, and leaves a non-follower alone', async () => {
    const conf = await liveConference();
    const [, rileyCase] = caseIds(conf);
    const { host, prescriber, therapist, member } = await room(conf);

    const stop = await emit(member.socket, 'conference:follow', {
      conferenceId: conf.id,
      following: false,
    });
    expect(stop.ok).toBe(true);

    const nav = await emit(host.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: rileyCase!,
      section: 'medications',
    });
    expect(nav).toEqual({ ok: true });

    for (const f of [prescriber, therapist]) {
      await expect
        .poll(() => f.navigations.at(-1)?.focus)
        .toEqual({ caseId: rileyCase, section: 'medications' });
    }
    // The state after the navigation reaches the non-follower too (the presenter's
    // position, for "rejoin"); the navigation itself, sent before it, never does.
    const navSeq = prescriber.navigations.at(-1)!.seq;
    await expect.poll(() => member.latest()?.seq ?? 0).toBeGreaterThanOrEqual(navSeq);
    expect(member.navigations).toEqual([]);
    expect(member.latest()!.focus).toEqual({ caseId: rileyCase, section: 'medications' });
    expect(member.latest()!.participants.find((p) => p.name === 'Avery Quinn')?.following).toBe(
      false,
    );

    // Rejoining answers with where the host is now.
    const rejoin = await emit(member.socket, 'conference:follow', {
      conferenceId: conf.id,
      following: true,
    });
    expect(rejoin).toEqual({
      ok: true,
      data: { focus: { caseId: rileyCase, section: 'medications' } },
    });
    await emit(host.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: rileyCase!,
      section: 'goals',
    });
    await expect.poll(() => member.navigations.at(-1)?.focus?.section).toBe('goals');
  });

  it('shares one timer state: every client computes the same running time', async () => {
    const conf = await liveConference();
    const [alexCase] = caseIds(conf);
    const { host, followers } = await room(conf);
    const everyone = [host, ...followers];

    expect(
      await emit(host.socket, 'conference:timer', {
        conferenceId: conf.id,
        caseId: alexCase!,
        action: 'start',
      }),
    ).toEqual({ ok: true });
    const started = (p: Participant) =>
      p.latest()?.timers.find((t) => t.caseId === alexCase)?.startedAt ?? null;
    for (const p of everyone) await expect.poll(() => started(p)).not.toBeNull();
    const timers = everyone.map((p) => p.latest()!.timers.find((t) => t.caseId === alexCase)!);
    expect(new Set(timers.map((t) => JSON.stringify(t))).size).toBe(1);
    // Same stored start, so the same elapsed time at any instant: no ticking events needed.
    const at = Date.now();
    expect(new Set(timers.map((t) => timerElapsedMs(t, at))).size).toBe(1);

    await emit(host.socket, 'conference:timer', {
      conferenceId: conf.id,
      caseId: alexCase!,
      action: 'pause',
    });
    for (const p of everyone) await expect.poll(() => started(p)).toBeNull();
    const paused = everyone.map((p) => p.latest()!.timers.find((t) => t.caseId === alexCase)!);
    expect(new Set(paused.map((t) => t.elapsedMs)).size).toBe(1);
    expect(paused[0]!.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('passes hands and the presenter role; only the presenter moves the room', async () => {
    const conf = await liveConference();
    const [alexCase, rileyCase] = caseIds(conf);
    const { host, prescriber, therapist } = await room(conf);

    expect(
      await emit(therapist.socket, 'conference:hand', { conferenceId: conf.id, raised: true }),
    ).toEqual({ ok: true });
    await expect
      .poll(() => prescriber.latest()?.hands.map((h) => h.name))
      .toEqual([people.therapist.user.name]);

    const refused = await emit(therapist.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: rileyCase!,
      section: 'overview',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    expect(
      await emit(host.socket, 'conference:presenter', {
        conferenceId: conf.id,
        userId: people.prescriber.user.id,
      }),
    ).toEqual({ ok: true });
    await expect.poll(() => therapist.latest()?.presenter?.id).toBe(people.prescriber.user.id);

    // The new presenter is on the other instance; the old one may follow now.
    await emit(prescriber.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: alexCase!,
      section: 'safety',
    });
    for (const f of [host, therapist]) {
      await expect.poll(() => f.navigations.at(-1)?.focus?.section).toBe('safety');
    }
    const old = await emit(host.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: rileyCase!,
      section: 'overview',
    });
    expect(old).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // The presenter lowers the raised hand.
    await emit(prescriber.socket, 'conference:hand', {
      conferenceId: conf.id,
      raised: false,
      userId: people.therapist.user.id,
    });
    await expect.poll(() => host.latest()?.hands).toEqual([]);
  });

  it('records attendance: who joined and left, on either instance, when', async () => {
    const conf = await liveConference();
    const { therapist, member } = await room(conf);
    await expect.poll(() => member.latest()?.participants.length).toBe(4);

    await emit(therapist.socket, 'conference:leave', { conferenceId: conf.id });
    await expect
      .poll(() => member.latest()?.participants.map((p) => p.name))
      .not.toContain(people.therapist.user.name);
    member.socket.disconnect();

    const attendance = async () =>
      ok(
        await people.coordinator.get<AttendanceEntry[]>(`/conferences/${conf.id}/attendance`),
        'attendance',
      );
    await expect
      .poll(async () => (await attendance()).find((e) => e.name === 'Avery Quinn')?.intervals)
      .toHaveLength(1);
    const rows = await attendance();
    expect(rows.map((r) => r.name).sort()).toEqual(
      [
        people.coordinator.user.name,
        people.prescriber.user.name,
        people.therapist.user.name,
        'Avery Quinn',
      ].sort(),
    );
    const therapistRow = rows.find((r) => r.name === people.therapist.user.name)!;
    const [stay] = therapistRow.intervals;
    expect(Date.parse(stay!.leftAt)).toBeGreaterThanOrEqual(Date.parse(stay!.joinedAt));
    expect(Date.parse(stay!.joinedAt)).toBeGreaterThanOrEqual(Date.parse(conf.live.startedAt!));
  });
});

describe('minutes documents', () => {
  it('are audited as opened, written and refused, each about its case’s patient', async () => {
    const conf = await liveConference();
    const kase = conf.cases[0]!;
    const wsUrl = `${a.url.replace('http', 'ws')}/collab`;
    const writer = connectClient(wsUrl, kase.minutesDoc, {
      token: people.therapist.token!,
      tandem: true,
    });
    const reader = connectClient(wsUrl, kase.minutesDoc, { token: people.alex.token! });
    await Promise.all([writer.synced, reader.synced]);
    writer.doc.getText('notes').insert(0, 'Sleep diary for two weeks.');
    // The patient may only read: their change is dropped, and they are told.
    reader.doc.getText('notes').insert(0, 'x');
    await expect.poll(() => reader.denied.length).toBeGreaterThan(0);
    await a.tandem.collab.flush();

    const audits = a.tandem.ctx.conn.collection('audits');
    const about = { patientId: kase.patient.id, resourceId: conf.id };
    await expect
      .poll(() =>
        audits
          .find({ ...about, actorId: { $in: [people.therapist.user.id, people.alex.user.id] } })
          .sort({ seq: 1 })
          .toArray(),
      )
      .toEqual(
        expect.arrayContaining(
          [
            ['conference.minutes.open', people.therapist.user.id, 'write'],
            ['conference.minutes.open', people.alex.user.id, 'read'],
            ['conference.minutes.write', people.therapist.user.id, undefined],
            ['access.denied', people.alex.user.id, undefined],
          ].map(([action, actorId, access]) =>
            expect.objectContaining({
              action,
              actorId,
              details: expect.objectContaining({
                caseId: kase.id,
                ...(access ? { access } : {}),
              }),
            }),
          ),
        ),
      );
  });
});

describe('ending', () => {
  it('makes the minutes read-only on every instance, for connections already open', async () => {
    const conf = await liveConference();
    const doc = conf.cases[0]!.minutesDoc;
    const onB = connectClient(`${b.url.replace('http', 'ws')}/collab`, doc, {
      token: people.prescriber.token!,
      tandem: true,
    });
    await onB.synced;
    expect(onB.access).toBe('write');
    ok(await people.coordinator.post(`/conferences/${conf.id}/end`), 'end');
    // The server closes the writable connection; y-websocket reconnects and is told it may read.
    await expect.poll(() => onB.closes.map((c) => c.code)).toContain(CloseCode.ShuttingDown);
    await expect.poll(() => onB.access).toBe('read');
  });
});

describe('who may take part', () => {
  it('refuses a member of another team, an uninvited patient, and a patient outside their case', async () => {
    const conf = await liveConference();
    const [, rileyCase] = caseIds(conf);

    const outsider = await participant(b.url, people.outsider);
    expect(await emit(outsider.socket, 'conference:join', { conferenceId: conf.id })).toMatchObject(
      { ok: false, error: { code: 'forbidden' } },
    );
    expect((await people.outsider.get(`/conferences/${conf.id}`)).status).toBe(403);

    // Sam's case is on the agenda, but Sam is not invited.
    const sam = await participant(a.url, people.sam);
    expect(await emit(sam.socket, 'conference:join', { conferenceId: conf.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    // Alex is invited to their own case, not Riley's.
    expect((await people.alex.get(`/conferences/${conf.id}/cases/${rileyCase}/brief`)).status).toBe(
      403,
    );
    const alex = await participant(b.url, people.alex);
    await join(alex, conf.id);
    expect(
      await emit(alex.socket, 'conference:timer', {
        conferenceId: conf.id,
        caseId: rileyCase!,
        action: 'start',
      }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Refused events are not for a socket that never joined.
    expect(
      await emit(outsider.socket, 'conference:hand', { conferenceId: conf.id, raised: true }),
    ).toMatchObject({ ok: false, error: { code: 'not_joined' } });
  });

  it('lists a conference for the team and for invited patients only', async () => {
    const conf = await liveConference();
    const listed = async (who: Signed) =>
      ok(await who.get<ConferenceSummary[]>('/conferences?when=upcoming'), 'list').find(
        (c) => c.id === conf.id,
      );
    expect(await listed(people.therapist)).toMatchObject({ status: 'live', caseCount: 3 });
    expect(await listed(people.alex)).toMatchObject({ status: 'live', caseCount: 1 });
    expect(await listed(people.sam)).toBeUndefined();
    expect(await listed(people.outsider)).toBeUndefined();
  });

  it('takes someone removed from the team out of the conference', async () => {
    const conf = await liveConference();
    const leaving = await addMember(a.url, people.coordinator, teamId, 'Morgan Diaz');
    const host = await participant(a.url, people.coordinator);
    const p = await participant(b.url, leaving);
    // A witness on the same instance: once it has the navigation, so would the removed one.
    const witness = await participant(b.url, people.prescriber);
    for (const x of [host, p, witness]) await join(x, conf.id);
    ok(await people.coordinator.delete(`/teams/${teamId}/members/${leaving.user.id}`), 'remove');
    await expect
      .poll(() => host.latest()?.participants.map((x) => x.name))
      .not.toContain('Morgan Diaz');
    expect(
      await emit(p.socket, 'conference:hand', { conferenceId: conf.id, raised: true }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const seen = p.states.length;
    await emit(host.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: conf.cases[1]!.id,
      section: 'goals',
    });
    await expect.poll(() => witness.navigations.at(-1)?.focus?.section).toBe('goals');
    await expect.poll(() => witness.latest()?.focus?.section).toBe('goals');
    expect(p.states.length).toBe(seen);
    expect(p.navigations.every((n) => n.focus?.section !== 'goals')).toBe(true);
  });

  it('shows a patient only their own case, whatever the room is doing', async () => {
    const conf = await liveConference();
    const [alexCase, rileyCase, samCase] = caseIds(conf);
    const { host, prescriber } = await room(conf);
    const alex = await participant(b.url, people.alex);
    const riley = await participant(a.url, people.riley);
    const alexView = await join(alex, conf.id);
    const rileyView = await join(riley, conf.id);
    expect(alexView.cases.map((c) => c.id)).toEqual([alexCase]);
    expect(rileyView.cases.map((c) => c.id)).toEqual([rileyCase]);
    expect(alexView.viewer).toMatchObject({ kind: 'patient', caseId: alexCase, canRecord: false });

    // The host starts on Alex's case (overview): Alex follows it.
    expect(alexView.live.focus).toEqual({ caseId: alexCase, section: 'overview' });
    await emit(host.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: alexCase!,
      section: 'goals',
    });
    await expect.poll(() => alex.navigations.at(-1)?.focus?.section).toBe('goals');
    // Leaving Alex's case: Alex is told only that the room is elsewhere.
    await emit(host.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: rileyCase!,
      section: 'therapy',
    });
    await expect.poll(() => riley.navigations.at(-1)?.focus?.caseId).toBe(rileyCase);
    await expect.poll(() => alex.navigations.at(-1)?.focus).toBeNull();
    await emit(host.socket, 'conference:navigate', {
      conferenceId: conf.id,
      caseId: samCase!,
      section: 'overview',
    });
    await emit(host.socket, 'conference:timer', {
      conferenceId: conf.id,
      caseId: samCase!,
      action: 'start',
    });
    await expect.poll(() => prescriber.latest()?.focus?.caseId).toBe(samCase);
    await expect.poll(() => alex.latest()?.seq).toBe(prescriber.latest()?.seq);
    await emit(riley.socket, 'conference:hand', { conferenceId: conf.id, raised: true });
    await expect.poll(() => host.latest()?.hands.length).toBe(1);
    await expect.poll(() => alex.latest()?.seq).toBe(host.latest()?.seq);

    // Nothing Alex received names another case, its patient, or another patient present.
    const seen = JSON.stringify(alex.raw);
    for (const secret of [
      rileyCase!,
      samCase!,
      plans.riley,
      plans.sam,
      'Riley Chen',
      'Sam Ortiz',
    ]) {
      expect(seen).not.toContain(secret);
    }
    expect(
      alex
        .latest()!
        .participants.filter((p) => p.role === 'patient')
        .map((p) => p.userId),
    ).toEqual([people.alex.user.id]);
    expect(alex.latest()!.hands).toEqual([]);
    // The team sees both patients in the room.
    expect(host.latest()!.participants.filter((p) => p.role === 'patient')).toHaveLength(2);
  });
});
