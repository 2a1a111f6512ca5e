import { describe, expect, it } from 'vitest';
import type {
  AccessLogPage,
  AddMemberResponse,
  CreatePatientResponse,
  MeResponse,
  PasswordResetResponse,
  PatientSummary,
  PlanDetail,
  PlanListItem,
  TeamDetail,
  TeamSummary,
} from '@tandem/shared';
import { startTestServer } from '../../helpers/server.ts';
import { Api, DEMO, demoPlans, loginAs, loginWithFirstPassword } from '../../helpers/api.ts';
import { connectSocket, joinPlan } from '../../helpers/socket.ts';
import WebSocket from 'ws';
import { CloseCode, planDocName, planRoom } from '@tandem/shared';

async function northTeam(url: string) {
  const coordinator = await loginAs(url, 'coordinator');
  const teams = await coordinator.get<TeamSummary[]>('/teams');
  const north = teams.body.find((t) => t.name === 'North Team')!;
  const detail = await coordinator.get<TeamDetail>(`/teams/${north.id}`);
  const idOf = (email: string) => detail.body.members.find((m) => m.email === email)!.id;
  return { coordinator, teamId: north.id, idOf };
}

describe('teams of the caller', () => {
  it('lists each member their teams with their role, and patients none', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const coordinator = await loginAs(url, 'coordinator');
    const mine = await coordinator.get<TeamSummary[]>('/teams');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([
      {
        id: expect.any(String),
        name: 'North Team',
        role: 'coordinator',
        memberCount: 3,
        patientCount: 1,
      },
    ]);
    const south = await loginAs(url, 'prescriber2');
    expect((await south.get<TeamSummary[]>('/teams')).body.map((t) => t.name)).toEqual([
      'South Team',
    ]);
    const patient = await loginAs(url, 'patient');
    expect((await patient.get<TeamSummary[]>('/teams')).body).toEqual([]);

    const detail = await (
      await loginAs(url, 'therapist')
    ).get<TeamDetail>(`/teams/${mine.body[0]!.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.role).toBe('therapist');
    expect(detail.body.members.map((m) => [m.email, m.role])).toEqual([
      [DEMO.prescriber, 'prescriber'],
      [DEMO.therapist, 'therapist'],
      [DEMO.coordinator, 'coordinator'],
    ]);
    expect((await patient.get(`/teams/${mine.body[0]!.id}`)).status).toBe(403);
  });
});

describe('team members', () => {
  it('creates a clinician account with an initial password shown once, which signs in', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const res = await coordinator.post<AddMemberResponse>(`/teams/${teamId}/members`, {
      email: 'New.Therapist@Demo.test',
      name: 'Robin Park, PsyD',
      role: 'therapist',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      accountCreated: true,
      member: { email: 'new.therapist@demo.test', name: 'Robin Park, PsyD', role: 'therapist' },
    });
    expect(res.body.initialPassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);

    const newcomer = await loginWithFirstPassword(
      url,
      'new.therapist@demo.test',
      res.body.initialPassword!,
    );
    const plans = await newcomer.get<PlanListItem[]>('/plans');
    expect(plans.body.map((p) => p.patient.name)).toEqual(['Alex Morgan']);

    // The password is not retrievable again, and the same person cannot be added twice.
    const detail = await coordinator.get<TeamDetail>(`/teams/${teamId}`);
    expect(JSON.stringify(detail.body)).not.toContain(res.body.initialPassword!);
    const again = await coordinator.post(`/teams/${teamId}/members`, {
      email: 'new.therapist@demo.test',
      role: 'prescriber',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'already_member' } });
  });

  it("adds an existing clinician by email in their account's role, which decides their access", async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const { north } = await demoPlans(url);
    const res = await coordinator.post<AddMemberResponse>(`/teams/${teamId}/members`, {
      email: DEMO.prescriber2,
      role: 'prescriber',
    });
    expect(res.status).toBe(201);
    expect(res.body.accountCreated).toBe(false);
    expect(res.body.initialPassword).toBeUndefined();
    const prescriber2 = await loginAs(url, 'prescriber2');
    const plan = await prescriber2.get<PlanDetail>(`/plans/${north}`);
    expect(plan.status).toBe(200);
    expect(plan.body.role).toBe('prescriber');
    expect(plan.body.collab.docs.find((d) => d.kind === 'medications')!.access).toBe('write');
  });

  it('refuses patients as members and new emails without a name', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const patient = await coordinator.post(`/teams/${teamId}/members`, {
      email: DEMO.patient2,
      role: 'therapist',
    });
    expect(patient.status).toBe(409);
    expect(patient.body).toMatchObject({ error: { code: 'not_a_clinician' } });
    const nameless = await coordinator.post(`/teams/${teamId}/members`, {
      email: 'someone.new@demo.test',
      role: 'therapist',
    });
    expect(nameless.status).toBe(400);
    expect(nameless.body).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: 'name' }] },
    });
  });

  it("changes a clinician's role, which changes their account and plan access at once, and keeps a coordinator on the team", async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId, idOf } = await northTeam(url);
    const { north } = await demoPlans(url);
    const therapist = await loginAs(url, 'therapist');
    const before = await therapist.get<PlanDetail>(`/plans/${north}`);
    expect(before.body.collab.docs.find((d) => d.kind === 'medications')!.access).toBe('read');

    const res = await coordinator.patch(`/teams/${teamId}/members/${idOf(DEMO.therapist)}`, {
      role: 'prescriber',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: DEMO.therapist, role: 'prescriber' });
    const after = await therapist.get<PlanDetail>(`/plans/${north}`);
    expect(after.body.collab.docs.find((d) => d.kind === 'medications')!.access).toBe('write');
    expect((await therapist.get<MeResponse>('/auth/me')).body.user.role).toBe('prescriber');

    const leave = await coordinator.delete(`/teams/${teamId}/members/${idOf(DEMO.coordinator)}`);
    expect(leave.status).toBe(409);
    expect(leave.body).toMatchObject({ error: { code: 'last_coordinator' } });
    const stranger = await coordinator.patch(`/teams/${teamId}/members/0123456789abcdef01234567`, {
      role: 'therapist',
    });
    expect(stranger.status).toBe(404);
  });

  it("removes a member: their plan access ends and their sockets leave the team's plan rooms", async () => {
    const { url, tandem } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId, idOf } = await northTeam(url);
    const { north } = await demoPlans(url);
    const therapist = await loginAs(url, 'therapist');
    const socket = await connectSocket(url, therapist.token!);
    expect(await joinPlan(socket, north)).toEqual({ ok: true });

    const res = await coordinator.delete(`/teams/${teamId}/members/${idOf(DEMO.therapist)}`);
    expect(res.status).toBe(204);
    expect((await therapist.get(`/plans/${north}`)).status).toBe(403);
    expect((await therapist.get<PlanListItem[]>('/plans')).body).toEqual([]);
    expect((await therapist.get<TeamSummary[]>('/teams')).body).toEqual([]);
    await expect
      .poll(async () => (await tandem.io.in(planRoom(north)).fetchSockets()).map((s) => s.id))
      .not.toContain(socket.id);
    expect(await joinPlan(socket, north)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('keeps every concurrent addition (no lost update without transactions)', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        coordinator.post(`/teams/${teamId}/members`, {
          email: `burst${i}@demo.test`,
          name: `Burst ${i}`,
          role: 'therapist',
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    const detail = await coordinator.get<TeamDetail>(`/teams/${teamId}`);
    expect(detail.body.members).toHaveLength(9);
  });

  it('adds a new clinician asked for many times at once exactly once, with their account', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(server.url);
    const users = server.tandem.ctx.conn.collection('users');
    for (let trial = 0; trial < 8; trial++) {
      const email = `twice${trial}@demo.test`;
      // Spread over a few milliseconds, so that some requests find the account others just made.
      const results = await Promise.all(
        Array.from({ length: 14 }, async (_, i) => {
          await new Promise((resolve) => setTimeout(resolve, i % 4));
          return coordinator.post(`/teams/${teamId}/members`, {
            email,
            role: 'therapist',
            ...(i % 2 ? {} : { name: `Twice ${trial}` }),
          });
        }),
      );
      expect(
        results.filter((r) => r.status === 201),
        email,
      ).toHaveLength(1);
      const accounts = await users.find({ email }).toArray();
      expect(accounts, email).toHaveLength(1);
      const members = (await coordinator.get<TeamDetail>(`/teams/${teamId}`)).body.members;
      expect(
        members.filter((m) => m.id === String(accounts[0]!._id)),
        email,
      ).toHaveLength(1);
      // No member without an account behind them.
      expect(
        members.every((m) => m.email !== ''),
        email,
      ).toBe(true);
    }
  });
});

describe('patients', () => {
  it('creates a patient with their account and plan; the patient signs in and lands on it', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const res = await coordinator.post<CreatePatientResponse>(`/teams/${teamId}/patients`, {
      name: 'Jamie Chen',
      email: 'jamie.chen@demo.test',
      dateOfBirth: '1999-02-03',
      planTitle: 'Bipolar II: stabilisation plan',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.patient).toMatchObject({
      name: 'Jamie Chen',
      email: 'jamie.chen@demo.test',
      dateOfBirth: '1999-02-03',
      plan: { title: 'Bipolar II: stabilisation plan', status: 'active' },
    });

    const jamie = await loginWithFirstPassword(
      url,
      'jamie.chen@demo.test',
      res.body.initialPassword,
    );
    const plans = await jamie.get<PlanListItem[]>('/plans');
    expect(plans.body).toEqual([
      {
        id: res.body.patient.plan!.id,
        patient: { id: res.body.patient.id, name: 'Jamie Chen' },
        team: { id: teamId, name: 'North Team' },
        standing: {
          version: null,
          openProposals: 0,
          openThreads: 0,
          patientWaiting: 0,
          // A new patient is asked for a first check-in.
          checkIns: { latest: [], followUpNeeded: 0, due: true },
        },
      },
    ]);
    expect((await jamie.get(`/plans/${res.body.patient.plan!.id}`)).status).toBe(200);

    const listed = await coordinator.get<PatientSummary[]>(`/teams/${teamId}/patients`);
    expect(listed.body.map((p) => p.name)).toEqual(['Alex Morgan', 'Jamie Chen']);
    const prescriber = await loginAs(url, 'prescriber');
    expect((await prescriber.get<PlanListItem[]>('/plans')).body).toHaveLength(2);
  });

  it('refuses an email already in use and leaves nothing half-created', async () => {
    const { url, tandem } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const count = () =>
      Promise.all(
        ['users', 'patients', 'plans'].map((c) => tandem.ctx.conn.collection(c).countDocuments({})),
      );
    const before = await count();
    const res = await coordinator.post(`/teams/${teamId}/patients`, {
      name: 'Someone Else',
      email: DEMO.therapist,
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'email_taken' } });
    expect(await count()).toEqual(before);
  });
});

describe('own password', () => {
  it('replaces an initial password and ends the other sessions of the account', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const created = await coordinator.post<CreatePatientResponse>(`/teams/${teamId}/patients`, {
      name: 'Riley Stone',
      email: 'riley@demo.test',
    });
    const first = await loginAs(url, 'riley@demo.test', created.body.initialPassword);
    const second = await loginAs(url, 'riley@demo.test', created.body.initialPassword);
    const due = async (api: Api) => (await api.get<MeResponse>('/auth/me')).body.passwordChangeDue;
    // A first password the coordinator saw is to be replaced; a person's own is not.
    expect(await due(first)).toBe(true);
    expect(await due(coordinator)).toBe(false);
    const wrong = await first.post('/auth/password', {
      currentPassword: 'not-it',
      newPassword: 'my own passphrase',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_credentials' } });
    const short = await first.post('/auth/password', {
      currentPassword: created.body.initialPassword,
      newPassword: 'short',
    });
    expect(short.status).toBe(400);
    const ok = await first.post('/auth/password', {
      currentPassword: created.body.initialPassword,
      newPassword: 'my own passphrase',
    });
    expect(ok.status).toBe(204);
    expect(await due(first)).toBe(false);
    expect((await second.get('/auth/me')).status).toBe(401);
    const old = await new Api(url).post('/auth/login', {
      email: 'riley@demo.test',
      password: created.body.initialPassword,
    });
    expect(old.status).toBe(401);
    expect(await due(await loginAs(url, 'riley@demo.test', 'my own passphrase'))).toBe(false);
  });

  it('asks a clinician whose account the coordinator made for a password of their own', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const added = await coordinator.post<AddMemberResponse>(`/teams/${teamId}/members`, {
      email: 'noa@clinic.test',
      name: 'Noa Levi',
      role: 'therapist',
    });
    const noa = await loginAs(url, 'noa@clinic.test', added.body.initialPassword);
    expect((await noa.get<MeResponse>('/auth/me')).body.passwordChangeDue).toBe(true);
    // Joining another team with the same account does not make its password a first one again.
    await noa.post('/auth/password', {
      currentPassword: added.body.initialPassword,
      newPassword: 'noa chooses this',
    });
    await coordinator.delete(`/teams/${teamId}/members/${added.body.member.id}`);
    const again = await coordinator.post<AddMemberResponse>(`/teams/${teamId}/members`, {
      email: 'noa@clinic.test',
      role: 'therapist',
    });
    expect(again.body.accountCreated).toBe(false);
    expect((await noa.get<MeResponse>('/auth/me')).body.passwordChangeDue).toBe(false);
  });
});

describe('a first password', () => {
  it('opens nothing but the account itself, on REST, Socket.IO and collab, until it is replaced', async () => {
    const { url, tandem } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const { north } = await demoPlans(url);
    const added = await coordinator.post<AddMemberResponse>(`/teams/${teamId}/members`, {
      email: 'sasha@clinic.test',
      name: 'Sasha Kim',
      role: 'therapist',
    });
    const first = added.body.initialPassword!;
    const sasha = await loginAs(url, 'sasha@clinic.test', first);
    const collab = () =>
      new Promise<number | 'admitted'>((resolve) => {
        const ws = new WebSocket(
          `${url.replace('http', 'ws')}/collab/${planDocName(north, 'care')}?token=${sasha.token}`,
        );
        ws.once('message', () => {
          resolve('admitted');
          ws.terminate();
        });
        ws.once('close', (code) => resolve(code));
      });

    for (const path of ['/plans', `/plans/${north}`, `/teams/${teamId}`, '/notifications']) {
      const res = await sasha.get(path);
      expect(res.status, path).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'password_change_required' } });
    }
    await expect(connectSocket(url, sasha.token!)).rejects.toMatchObject({
      data: { code: 'password_change_required' },
    });
    expect(await collab()).toBe(CloseCode.Unauthenticated);
    const refusals = await tandem.ctx.conn.collection('audits').countDocuments({
      actorId: sasha.user.id,
      action: 'access.denied',
      'details.reason': 'password_change_required',
    });
    expect(refusals).toBe(6);

    // What the person needs to get past it works, and then everything does.
    expect((await sasha.get<MeResponse>('/auth/me')).body.passwordChangeDue).toBe(true);
    const changed = await sasha.post('/auth/password', {
      currentPassword: first,
      newPassword: 'sasha chose this one',
    });
    expect(changed.status).toBe(204);
    expect((await sasha.get<PlanListItem[]>('/plans')).status).toBe(200);
    (await connectSocket(url, sasha.token!)).disconnect();
    expect(await collab()).toBe('admitted');
    expect((await sasha.post('/auth/logout')).status).toBe(204);
  });
});

describe('a forgotten password', () => {
  it('is replaced by a new first password: the old one and every session end, and it is audited', async () => {
    const { url, tandem } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const added = await coordinator.post<AddMemberResponse>(`/teams/${teamId}/members`, {
      email: 'kai@clinic.test',
      name: 'Kai Moreno',
      role: 'therapist',
    });
    const kai = await loginAs(url, 'kai@clinic.test', added.body.initialPassword);
    await kai.post('/auth/password', {
      currentPassword: added.body.initialPassword,
      newPassword: 'kai forgot this one',
    });

    const reset = await coordinator.post<PasswordResetResponse>(
      `/teams/${teamId}/members/${added.body.member.id}/password`,
    );
    expect(reset.status).toBe(200);
    expect(reset.headers.get('cache-control')).toBe('no-store');
    expect(reset.body.initialPassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect((await kai.get('/auth/me')).status).toBe(401);
    const login = (password: string) =>
      new Api(url).post('/auth/login', { email: 'kai@clinic.test', password });
    expect((await login('kai forgot this one')).status).toBe(401);
    const again = await loginAs(url, 'kai@clinic.test', reset.body.initialPassword);
    expect((await again.get<MeResponse>('/auth/me')).body.passwordChangeDue).toBe(true);

    const record = await tandem.ctx.conn
      .collection('audits')
      .findOne({ action: 'team.member_password_reset', resourceId: added.body.member.id });
    expect(record).toMatchObject({ outcome: 'success', teamId, actorRole: 'coordinator' });
    // Neither password is in the record.
    expect(JSON.stringify(record)).not.toContain(reset.body.initialPassword);
  });

  it('is not reset for oneself, for someone off the team, or for someone on a team the coordinator does not run', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId, idOf } = await northTeam(url);
    const own = await coordinator.post(`/teams/${teamId}/members/${coordinator.user.id}/password`);
    expect(own.status).toBe(409);
    expect(own.body).toMatchObject({ error: { code: 'own_account' } });

    const south = await loginAs(url, 'prescriber2');
    const offTeam = await coordinator.post(`/teams/${teamId}/members/${south.user.id}/password`);
    expect(offTeam.status).toBe(404);

    // South's prescriber joins North too: North's coordinator does not run South.
    await coordinator.post(`/teams/${teamId}/members`, {
      email: DEMO.prescriber2,
      role: 'prescriber',
    });
    const shared = await coordinator.post(`/teams/${teamId}/members/${south.user.id}/password`);
    expect(shared.status).toBe(409);
    expect(shared.body).toMatchObject({ error: { code: 'other_team' } });
    expect((await south.get('/auth/me')).status).toBe(200);
    await loginAs(url, 'prescriber2');

    // Someone on North only is fine.
    const therapist = await coordinator.post<PasswordResetResponse>(
      `/teams/${teamId}/members/${idOf(DEMO.therapist)}/password`,
    );
    expect(therapist.status).toBe(200);
  });

  it("gives a patient a new first password, which their access log shows, and not another team's patient", async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const { coordinator, teamId } = await northTeam(url);
    const patients = await coordinator.get<PatientSummary[]>(`/teams/${teamId}/patients`);
    const alex = patients.body.find((p) => p.name === 'Alex Morgan')!;
    const before = await loginAs(url, 'patient');

    const reset = await coordinator.post<PasswordResetResponse>(
      `/teams/${teamId}/patients/${alex.id}/password`,
    );
    expect(reset.status).toBe(200);
    expect((await before.get('/auth/me')).status).toBe(401);
    const patient = await loginAs(url, 'patient', reset.body.initialPassword);
    expect((await patient.get<MeResponse>('/auth/me')).body.passwordChangeDue).toBe(true);
    await patient.post('/auth/password', {
      currentPassword: reset.body.initialPassword,
      newPassword: 'alex chose this one',
    });
    const log = await patient.get<AccessLogPage>('/me/access-log?others=true');
    expect(log.body.entries[0]).toMatchObject({
      action: 'patient.password_reset',
      label: 'Set a new first password for your account',
      actor: { name: 'Jordan Lee', role: 'coordinator' },
    });

    const southPatient = await loginAs(url, 'patient2');
    const [southPlan] = (await southPatient.get<PlanListItem[]>('/plans')).body;
    const other = await coordinator.post(
      `/teams/${teamId}/patients/${southPlan!.patient.id}/password`,
    );
    expect(other.status).toBe(404);
    expect((await southPatient.get('/auth/me')).status).toBe(200);
  });
});
