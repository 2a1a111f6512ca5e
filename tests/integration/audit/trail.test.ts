import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { describe, expect, it, vi } from 'vitest';
import type {
  AccessLogPage,
  AddMemberResponse,
  AuditPage,
  AuditRecord,
  CreatePatientResponse,
  TeamDetail,
  TeamSummary,
} from '@tandem/shared';
import { CloseCode, CollabMessage, planDocName } from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { Api, DEMO, demoPlans, loginAs } from '../../helpers/api.ts';
import { connectSocket, joinPlan } from '../../helpers/socket.ts';
import { mapUpdate, rawClient, storedDoc, syncMessage } from '../collab/helpers.ts';

type Stored = {
  action: string;
  outcome: string;
  actorId: string | null;
  details: unknown;
} & Record<string, unknown>;

const stored = (server: TestServer, filter: Record<string, unknown>) =>
  server.tandem.ctx.conn.collection<Stored>('audits').find(filter).sort({ seq: 1 }).toArray();

async function northTeamId(coordinator: Api) {
  const teams = await coordinator.get<TeamSummary[]>('/teams');
  return teams.body.find((t) => t.name === 'North Team')!.id;
}

describe('the audit trail', () => {
  it('records every audited action with who, role, what, patient, outcome, time, request id and address', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { north } = await demoPlans(url);
    const anon = new Api(url);

    // Sign-in: a failure, a success, a sign-out.
    await anon.post('/auth/login', { email: DEMO.therapist, password: 'wrong' });
    expect((await anon.post('/auth/login', { email: DEMO.therapist, password: '' })).status).toBe(
      400,
    );
    const therapist = await loginAs(url, 'therapist');
    const prescriber = await loginAs(url, 'prescriber');
    const coordinator = await loginAs(url, 'coordinator');
    const teamId = await northTeamId(coordinator);

    // Reads of patient data.
    await prescriber.get('/plans');
    const read = await prescriber.get(`/plans/${north}`);
    await coordinator.get(`/teams/${teamId}/patients`);
    const socket = await connectSocket(url, therapist.token!);
    expect(await joinPlan(socket, north)).toEqual({ ok: true });

    // Writes.
    const added = await coordinator.post<AddMemberResponse>(`/teams/${teamId}/members`, {
      email: 'audit.member@demo.test',
      name: 'Audit Member',
      role: 'therapist',
    });
    await coordinator.patch(`/teams/${teamId}/members/${added.body.member.id}`, {
      role: 'prescriber',
    });
    await coordinator.delete(`/teams/${teamId}/members/${added.body.member.id}`);
    const patient = await coordinator.post<CreatePatientResponse>(`/teams/${teamId}/patients`, {
      name: 'Audit Patient',
      email: 'audit.patient@demo.test',
    });
    await therapist.post('/auth/password', {
      currentPassword: 'tandem-demo',
      newPassword: 'tandem-demo',
    });

    // Denials: no session, another team's plan, a role that may not, a socket without a session, a foreign room.
    await anon.get(`/plans/${north}`);
    const south = await loginAs(url, 'prescriber2');
    await south.get(`/plans/${north}`);
    await therapist.post(`/teams/${teamId}/patients`, { name: 'X', email: 'x@demo.test' });
    await expect(connectSocket(url, 'not-a-session-token-at-all-xxxxxxxxxx')).rejects.toThrow();
    const southSocket = await connectSocket(url, south.token!);
    expect(await joinPlan(southSocket, north)).toMatchObject({ ok: false });

    // Reading the plan's interaction warnings; editing someone else's comment.
    await prescriber.get(`/plans/${north}/interactions`);
    const comment = await therapist.post<{ id: string }>(`/plans/${north}/comments`, {
      goalId: 'goal-sleep',
      body: 'Sleep diary each morning?',
    });
    expect(
      (await prescriber.patch(`/plans/${north}/comments/${comment.body.id}`, { body: 'x' })).status,
    ).toBe(403);

    await therapist.post('/auth/logout');

    const all = await stored(server, {});
    const has = (action: string, outcome: string, extra: Record<string, unknown> = {}) =>
      expect(
        all.some(
          (r) =>
            r.action === action &&
            r.outcome === outcome &&
            Object.entries(extra).every(([k, v]) => JSON.stringify(r[k]) === JSON.stringify(v)),
        ),
        `${action} ${outcome} ${JSON.stringify(extra)}`,
      ).toBe(true);
    const ids = {
      therapist: therapist.user.id,
      prescriber: prescriber.user.id,
      coordinator: coordinator.user.id,
      south: south.user.id,
    };

    has('auth.login', 'failure', {
      actorId: ids.therapist,
      details: { reason: 'bad_credentials' },
    });
    has('auth.login', 'failure', { actorId: null, details: { reason: 'invalid_request' } });
    has('auth.login', 'success', { actorId: ids.therapist, actorRole: 'therapist' });
    has('auth.logout', 'success', { actorId: ids.therapist });
    has('plan.list', 'success', { actorId: ids.prescriber });
    has('plan.read', 'success', { actorId: ids.prescriber, resourceId: north, teamId });
    has('patient.list', 'success', { actorId: ids.coordinator, teamId });
    has('plan.join', 'success', { actorId: ids.therapist, resourceId: north });
    has('team.member_add', 'success', { resourceId: added.body.member.id, teamId });
    has('team.member_role', 'success', { details: { from: 'therapist', to: 'prescriber' } });
    has('team.member_remove', 'success', { resourceId: added.body.member.id });
    has('patient.create', 'success', { patientId: patient.body.patient.id, teamId });
    has('auth.password_change', 'success', { actorId: ids.therapist });
    has('access.denied', 'denied', { actorId: null, details: { reason: 'unauthenticated' } });
    has('access.denied', 'denied', {
      actorId: ids.south,
      resourceId: north,
      // A probe of another team's plan names no patient.
      patientId: null,
      details: { permission: 'plan.read', reason: 'not_in_care_team' },
    });
    has('access.denied', 'denied', {
      actorId: ids.therapist,
      teamId,
      details: { permission: 'team.manage', reason: 'role' },
    });
    has('access.denied', 'denied', { resourceType: 'socket' });
    has('interaction.list', 'success', { actorId: ids.prescriber, resourceId: north, teamId });
    has('access.denied', 'denied', {
      actorId: ids.prescriber,
      resourceType: 'comment',
      resourceId: comment.body.id,
      teamId,
      details: { reason: 'not_author' },
    });

    // The plan read carries the request id the client saw, and the source address.
    const planRead = all.find((r) => r.action === 'plan.read' && r.actorId === ids.prescriber)!;
    expect(planRead.requestId).toBe(read.headers.get('x-request-id'));
    expect(planRead.ip).toMatch(/127\.0\.0\.1/);
    expect(planRead.patientId).toEqual(expect.any(String));
    expect(planRead.at).toBeInstanceOf(Date);

    // No patient content in the trail: names and emails stay in their records.
    const text = JSON.stringify(all);
    for (const secret of [
      'Alex Morgan',
      'Audit Patient',
      'audit.patient@demo.test',
      'tandem-demo',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('edits through /collab', () => {
  it('are audited with a connection’s first change and then every five minutes, and refusals as denials', async () => {
    let now = Date.now();
    const server = await startTestServer({ seedDemo: true, clock: { now: () => now } });
    const { north } = await demoPlans(server.url);
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/collab`;
    const [therapist, coordinator, patient] = [
      await loginAs(server.url, 'therapist'),
      await loginAs(server.url, 'coordinator'),
      await loginAs(server.url, 'patient'),
    ];
    const patientId = (await therapist.get<{ patient: { id: string } }>(`/plans/${north}`)).body
      .patient.id;
    const name = planDocName(north, 'care');
    const editor = rawClient(wsUrl, name, { token: therapist.token!, tandem: true });
    const reader = rawClient(wsUrl, name, { token: coordinator.token!, tandem: true });
    await Promise.all([editor.opened, reader.opened]);

    // Audit appends run in order: once a later record is stored, those before it are too.
    const settled = async (key: string) => {
      await vi.waitFor(async () =>
        expect((await storedDoc(server.tandem.ctx.conn, name)).getMap('auditProbe').has(key)).toBe(
          true,
        ),
      );
      await therapist.get(`/plans/${north}`);
    };
    const writes = () =>
      stored(server, { action: 'plan.doc.write', actorId: therapist.user.id, resourceId: north });

    // Opening the document is no edit, though a client's first sync sends an (empty) update.
    const opener = rawClient(wsUrl, name, { token: therapist.token!, tandem: true });
    await opener.opened;
    opener.send(syncMessage((e) => syncProtocol.writeSyncStep2(e, new Y.Doc())));
    const answered = opener.received.length;
    opener.requestState();
    await vi.waitFor(() => expect(opener.received.length).toBeGreaterThan(answered));

    for (const key of ['a', 'b', 'c']) editor.sendUpdate(mapUpdate('auditProbe', key, key));
    await settled('c');
    expect(await writes()).toMatchObject([
      { actorRole: 'therapist', patientId, outcome: 'success', details: { doc: 'care' } },
    ]);

    now += 4 * 60_000;
    editor.sendUpdate(mapUpdate('auditProbe', 'd', 'd'));
    await settled('d');
    expect(await writes()).toHaveLength(1);
    now += 60_000;
    editor.sendUpdate(mapUpdate('auditProbe', 'e', 'e'));
    await settled('e');
    expect(await writes()).toHaveLength(2);

    // A reader's change is dropped and audited once per connection.
    for (const key of ['x', 'y']) reader.sendUpdate(mapUpdate('auditProbe', key, key));
    await vi.waitFor(() =>
      expect(reader.received.filter((m) => m[0] === CollabMessage.Auth)).toHaveLength(1),
    );
    await therapist.get(`/plans/${north}`);
    expect(
      await stored(server, { action: 'access.denied', actorId: coordinator.user.id }),
    ).toMatchObject([
      { patientId, resourceId: north, details: { doc: 'care', reason: 'read_only' } },
    ]);

    // The plan's own patient refused the clinicians' notes: the record names the patient.
    const notes = rawClient(wsUrl, planDocName(north, 'private'), { token: patient.token! });
    expect((await notes.closed).code).toBe(CloseCode.Forbidden);
    expect(
      await stored(server, { action: 'access.denied', actorId: patient.user.id }),
    ).toMatchObject([{ patientId, details: { doc: 'private', reason: 'role' } }]);
  });
});

describe('GET /api/v1/audit', () => {
  it("shows a coordinator their teams' records, filtered and paginated, and nothing of other teams", async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { north, south } = await demoPlans(url);
    const prescriber = await loginAs(url, 'prescriber');
    const prescriber2 = await loginAs(url, 'prescriber2');
    for (let i = 0; i < 3; i++) await prescriber.get(`/plans/${north}`);
    await prescriber2.get(`/plans/${south}`);
    const coordinator = await loginAs(url, 'coordinator');

    const page = await coordinator.get<AuditPage>('/audit?limit=200');
    expect(page.status).toBe(200);
    const records = page.body.records;
    expect(records.filter((r) => r.action === 'plan.read' && r.resourceId === north)).toHaveLength(
      3,
    );
    expect(records.some((r) => r.resourceId === south)).toBe(false);
    expect(records.some((r) => r.actor?.id === prescriber2.user.id)).toBe(false);
    const read = records.find((r) => r.action === 'plan.read')!;
    expect(read.actor).toEqual({
      id: prescriber.user.id,
      name: 'Dr. Maya Okafor',
      role: 'prescriber',
    });
    // Sign-ins of the team's members belong to the team's trail too.
    expect(
      records.some((r) => r.action === 'auth.login' && r.actor?.id === prescriber.user.id),
    ).toBe(true);

    const byUser = await coordinator.get<AuditPage>(`/audit?userId=${prescriber.user.id}`);
    expect(byUser.body.records.every((r) => r.actor?.id === prescriber.user.id)).toBe(true);
    const byPatient = await coordinator.get<AuditPage>(`/audit?patientId=${read.patientId}`);
    expect(byPatient.body.records.length).toBeGreaterThan(0);
    expect(byPatient.body.records.every((r) => r.patientId === read.patientId)).toBe(true);
    const future = await coordinator.get<AuditPage>('/audit?from=2999-01-01');
    expect(future.body.records).toEqual([]);
    const past = await coordinator.get<AuditPage>(`/audit?to=${encodeURIComponent(read.at)}`);
    expect(past.body.records.every((r) => r.at <= read.at)).toBe(true);

    // Pages of 2 walk back through the same records without gaps or repeats.
    const seen: AuditRecord[] = [];
    let before: number | null = null;
    do {
      const res: { body: AuditPage } = await coordinator.get<AuditPage>(
        `/audit?userId=${prescriber.user.id}&limit=2${before ? `&before=${before}` : ''}`,
      );
      seen.push(...res.body.records);
      before = res.body.nextBefore;
    } while (before);
    expect(seen.map((r) => r.seq)).toEqual(byUser.body.records.map((r) => r.seq));

    expect((await coordinator.get('/audit?from=yesterday')).status).toBe(400);
    expect((await coordinator.get('/audit?limit=5000')).status).toBe(400);
    expect((await coordinator.get('/audit?colour=blue')).status).toBe(400);
    expect((await prescriber.get('/audit')).status).toBe(403);
    const southTeam = (await prescriber2.get<TeamSummary[]>('/teams')).body[0]!.id;
    expect((await coordinator.get(`/audit?teamId=${southTeam}`)).status).toBe(403);
  });

  it("finds a team's newest records among many of another team's, page by page", async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { north, south } = await demoPlans(url);
    const prescriber = await loginAs(url, 'prescriber');
    const prescriber2 = await loginAs(url, 'prescriber2');
    const southTeam = (await prescriber2.get<TeamSummary[]>('/teams')).body[0]!.id;
    await prescriber.get(`/plans/${north}`);
    // 700 records of the other team between the North team's reads: the newest page of
    // the North trail needs windows well past the first.
    for (let i = 0; i < 700; i++)
      await server.tandem.ctx.audit.record({
        actorId: prescriber2.user.id,
        action: 'plan.read',
        resourceType: 'plan',
        resourceId: south,
        teamId: southTeam,
        outcome: 'success',
      });
    await prescriber.get(`/plans/${north}`);
    const coordinator = await loginAs(url, 'coordinator');

    const all = (await coordinator.get<AuditPage>('/audit?limit=200')).body.records;
    expect(all.filter((r) => r.action === 'plan.read' && r.resourceId === north)).toHaveLength(2);
    expect(all.some((r) => r.resourceId === south)).toBe(false);
    expect(all.map((r) => r.seq)).toEqual([...all.map((r) => r.seq)].sort((a, b) => b - a));
    // The same records as the plain sorted query, which a user filter takes.
    const byUser = (await coordinator.get<AuditPage>(`/audit?userId=${prescriber.user.id}`)).body;
    expect(all.filter((r) => r.actor?.id === prescriber.user.id).map((r) => r.seq)).toEqual(
      byUser.records.map((r) => r.seq),
    );

    const seen: AuditRecord[] = [];
    let before: number | null = null;
    do {
      const res: { body: AuditPage } = await coordinator.get<AuditPage>(
        `/audit?limit=3${before ? `&before=${before}` : ''}`,
      );
      seen.push(...res.body.records);
      before = res.body.nextBefore;
    } while (before);
    // Each page's own audit.read record is newer than the first page, so compare from there.
    const firstSeq = all[0]!.seq;
    expect(seen.filter((r) => r.seq <= firstSeq).map((r) => r.seq)).toEqual(all.map((r) => r.seq));

    // Pages of one record look through 40 seqs in windows, then sort what matches below
    // them: with 700 records between, the second page of the patient's reads comes from
    // the sorted query.
    const patientId = all.find((r) => r.resourceId === north)!.patientId!;
    const reads = async (path: string) => {
      const pages: AuditRecord[][] = [];
      let next: number | null = null;
      do {
        const res: { body: AuditPage } = await coordinator.get<AuditPage>(
          `${path}&limit=1${next ? `&before=${next}` : ''}`,
        );
        pages.push(res.body.records);
        next = res.body.nextBefore;
      } while (next);
      return pages.flat().filter((r) => r.action === 'plan.read');
    };
    const northReads = all.filter((r) => r.action === 'plan.read' && r.patientId === patientId);
    expect(northReads).toHaveLength(2);
    expect((await reads(`/audit?patientId=${patientId}`)).map((r) => r.seq)).toEqual(
      northReads.map((r) => r.seq),
    );

    const patient = await loginAs(url, 'patient');
    const opened: string[] = [];
    let next: number | null = null;
    do {
      const res: { body: AccessLogPage } = await patient.get<AccessLogPage>(
        `/me/access-log?limit=1${next ? `&before=${next}` : ''}`,
      );
      opened.push(...res.body.entries.map((e) => `${e.action} ${e.at}`));
      next = res.body.nextBefore;
    } while (next);
    const whole = (await patient.get<AccessLogPage>('/me/access-log?limit=200')).body.entries;
    expect(opened).toEqual(whole.map((e) => `${e.action} ${e.at}`));
    expect(whole.filter((e) => e.action === 'plan.read')).toHaveLength(2);
  });
});

describe('GET /api/v1/me/access-log', () => {
  it('tells a plan opened live to read from one opened to edit', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { north } = await demoPlans(server.url);
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/collab`;
    for (const who of ['coordinator', 'prescriber'] as const) {
      const client = rawClient(wsUrl, planDocName(north, 'care'), {
        token: (await loginAs(server.url, who)).token!,
      });
      // Admitted: the server's first message comes once it has checked access and loaded the document.
      await vi.waitFor(() => expect(client.received.length).toBeGreaterThan(0), 10_000);
      client.close();
    }
    const patient = await loginAs(server.url, 'patient');
    await vi.waitFor(async () => {
      const log = await patient.get<AccessLogPage>('/me/access-log');
      const opened = log.body.entries.filter((e) => e.action === 'plan.doc.open');
      expect(opened.map((e) => [e.actor?.role, e.label])).toEqual([
        ['prescriber', 'Opened your plan for editing'],
        ['coordinator', 'Opened your plan to read'],
      ]);
    }, 10_000);
  });

  it('shows a patient who opened their record and when, by name and role, and nothing else', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { north, south } = await demoPlans(url);
    await (await loginAs(url, 'prescriber')).get(`/plans/${north}`);
    await (await loginAs(url, 'coordinator')).get(`/plans/${north}`);
    await (await loginAs(url, 'prescriber2')).get(`/plans/${south}`);
    await (await loginAs(url, 'prescriber2')).get(`/plans/${north}`);

    const patient = await loginAs(url, 'patient');
    await patient.get(`/plans/${north}`);
    const log = await patient.get<AccessLogPage>('/me/access-log');
    expect(log.status).toBe(200);
    const opened = log.body.entries.filter((e) => e.action === 'plan.read');
    expect(opened.map((e) => [e.actor?.name, e.actor?.role, e.self])).toEqual([
      ['Alex Morgan', 'patient', true],
      ['Jordan Lee', 'coordinator', false],
      ['Dr. Maya Okafor', 'prescriber', false],
    ]);
    expect(opened[0]!.label).toBe('Opened your plan');
    expect(Date.parse(opened[0]!.at)).toBeGreaterThan(Date.now() - 60_000);

    // Nothing about other patients, and no one's address or account id.
    const text = JSON.stringify(log.body);
    expect(text).not.toContain('Dr. Priya Nair');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(south);

    // Only the patient themself reads it.
    expect((await (await loginAs(url, 'prescriber')).get('/me/access-log')).status).toBe(403);
    const page = await patient.get<AccessLogPage>('/me/access-log?limit=1');
    expect(page.body.entries).toHaveLength(1);
    expect(page.body.nextBefore).toEqual(expect.any(Number));

    // Without what the patient did themself.
    const others = await patient.get<AccessLogPage>('/me/access-log?others=true');
    expect(others.body.entries.some((e) => e.self)).toBe(false);
    expect(
      others.body.entries.filter((e) => e.action === 'plan.read').map((e) => e.actor?.name),
    ).toEqual(['Jordan Lee', 'Dr. Maya Okafor']);
    expect((await patient.get('/me/access-log?others=maybe')).status).toBe(400);
  });
});

describe('membership in the trail', () => {
  it("lets a coordinator see a removed member's past actions on the team", async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { north } = await demoPlans(url);
    const coordinator = await loginAs(url, 'coordinator');
    const teamId = await northTeamId(coordinator);
    const therapist = await loginAs(url, 'therapist');
    await therapist.get(`/plans/${north}`);
    const team = await coordinator.get<TeamDetail>(`/teams/${teamId}`);
    const id = team.body.members.find((m) => m.email === DEMO.therapist)!.id;
    await coordinator.delete(`/teams/${teamId}/members/${id}`);
    const trail = await coordinator.get<AuditPage>(`/audit?userId=${id}`);
    expect(trail.body.records.some((r) => r.action === 'plan.read')).toBe(true);
  });
});
