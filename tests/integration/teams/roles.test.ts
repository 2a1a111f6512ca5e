import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Types } from 'mongoose';
import {
  CloseCode,
  planDocName,
  type AddMemberResponse,
  type MeResponse,
  type PlanDetail,
  type TeamDetail,
  type TeamSummary,
} from '@tandem/shared';
import { registerTeardown, startTestServer, type TestServer } from '../../helpers/server.ts';
import { DEMO, demoPlans, loginAs, loginWithFirstPassword } from '../../helpers/api.ts';

/** A member holds their account's role on every team: these are the ways round it, refused. */

async function northTeam(url: string) {
  const coordinator = await loginAs(url, 'coordinator');
  const teams = await coordinator.get<TeamSummary[]>('/teams');
  const teamId = teams.body.find((t) => t.name === 'North Team')!.id;
  const members = async () =>
    (await coordinator.get<TeamDetail>(`/teams/${teamId}`)).body.members.map((m) => [
      m.email,
      m.role,
    ]);
  return { coordinator, teamId, members };
}

/** Every account's role, by email. */
async function accountRoles(server: TestServer) {
  const users = await server.tandem.ctx.conn
    .collection<{ email: string; role: string }>('users')
    .find({}, { projection: { email: 1, role: 1 } })
    .toArray();
  return Object.fromEntries(users.map((u) => [u.email, u.role]));
}

/** How /collab answers: the close code, or 'admitted' once the document's first message arrives. */
function openCollab(url: string, docName: string, token: string) {
  return new Promise<number | 'admitted'>((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/collab/${docName}?token=${token}`);
    registerTeardown(async () => ws.terminate());
    ws.once('message', () => {
      resolve('admitted');
      ws.terminate();
    });
    ws.once('close', (code) => resolve(code));
  });
}

const denials = (server: TestServer, actorId: string) =>
  server.tandem.ctx.conn
    .collection('audits')
    .find({ actorId, action: 'access.denied' })
    .sort({ seq: 1 })
    .toArray();

describe('roles on a care team', () => {
  it("refuses the reviewer's chain (a clinician made coordinator, a coordinator made prescriber by themselves): nothing changes, and it is audited", async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { coordinator, teamId, members } = await northTeam(url);
    const { north } = await demoPlans(url);
    const therapist = await loginAs(url, 'therapist');
    const before = { members: await members(), accounts: await accountRoles(server) };

    // The reviewer's chain: a clinician made coordinator, then the coordinator a prescriber.
    const promote = await coordinator.patch(`/teams/${teamId}/members/${therapist.user.id}`, {
      role: 'coordinator',
    });
    expect(promote.status).toBe(409);
    expect(promote.body).toMatchObject({ error: { code: 'role_mismatch' } });
    for (const role of ['prescriber', 'therapist']) {
      const own = await coordinator.patch(`/teams/${teamId}/members/${coordinator.user.id}`, {
        role,
      });
      expect(own.status, role).toBe(409);
      expect(own.body).toMatchObject({ error: { code: 'own_role' } });
    }

    expect({ members: await members(), accounts: await accountRoles(server) }).toEqual(before);
    expect((await coordinator.get<MeResponse>('/auth/me')).body.user.role).toBe('coordinator');
    const plan = await coordinator.get<PlanDetail>(`/plans/${north}`);
    expect(plan.body.role).toBe('coordinator');
    expect(plan.body.collab.docs.map((d) => d.kind)).not.toContain('private');
    expect(await openCollab(url, planDocName(north, 'private'), coordinator.token!)).toBe(
      CloseCode.Forbidden,
    );
    // The therapist still writes the care plan and the private notes.
    expect(await openCollab(url, planDocName(north, 'private'), therapist.token!)).toBe('admitted');

    const refused = await denials(server, coordinator.user.id);
    expect(
      refused
        .filter((r) => r.resourceType === 'user')
        .map((r) => [r.resourceId, r.teamId, r.outcome, r.details]),
    ).toEqual([
      [
        therapist.user.id,
        teamId,
        'denied',
        { permission: 'team.manage', reason: 'role_mismatch', role: 'coordinator' },
      ],
      [
        coordinator.user.id,
        teamId,
        'denied',
        { permission: 'team.manage', reason: 'own_role', role: 'prescriber' },
      ],
      [
        coordinator.user.id,
        teamId,
        'denied',
        { permission: 'team.manage', reason: 'own_role', role: 'therapist' },
      ],
    ]);
    expect(
      await server.tandem.ctx.conn.collection('audits').countDocuments({
        action: 'team.member_role',
      }),
    ).toBe(0);
  });

  it("keeps a coordinator's account a coordinator's: a new one joins as coordinator, and no one makes it a clinician", async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { coordinator, teamId, members } = await northTeam(url);
    const { north } = await demoPlans(url);
    // A second coordinator, with an account made for them: a flow that chooses the role.
    const created = await coordinator.post<AddMemberResponse>(`/teams/${teamId}/members`, {
      email: 'second.coordinator@clinic.test',
      name: 'Avery Quinn',
      role: 'coordinator',
    });
    expect(created.status).toBe(201);
    expect(created.body.member.role).toBe('coordinator');
    const second = await loginWithFirstPassword(
      url,
      'second.coordinator@clinic.test',
      created.body.initialPassword!,
    );
    const before = { members: await members(), accounts: await accountRoles(server) };

    // Neither coordinator makes the other a clinician.
    for (const [by, whom] of [
      [coordinator, second.user.id],
      [second, coordinator.user.id],
    ] as const) {
      for (const role of ['prescriber', 'therapist']) {
        const res = await by.patch(`/teams/${teamId}/members/${whom}`, { role });
        expect(res.status, role).toBe(409);
        expect(res.body).toMatchObject({ error: { code: 'role_mismatch' } });
      }
    }
    expect({ members: await members(), accounts: await accountRoles(server) }).toEqual(before);
    expect(await openCollab(url, planDocName(north, 'medications'), second.token!)).toBe(
      'admitted',
    );
    const plan = await second.get<PlanDetail>(`/plans/${north}`);
    expect(plan.body.collab.docs.find((d) => d.kind === 'medications')!.access).toBe('read');

    // Off the team and back: only in the role of the account.
    expect(
      (await coordinator.delete(`/teams/${teamId}/members/${created.body.member.id}`)).status,
    ).toBe(204);
    const asPrescriber = await coordinator.post(`/teams/${teamId}/members`, {
      email: 'second.coordinator@clinic.test',
      role: 'prescriber',
    });
    expect(asPrescriber.status).toBe(409);
    expect(asPrescriber.body).toMatchObject({ error: { code: 'role_mismatch' } });
    expect((await members()).map(([email]) => email)).not.toContain(
      'second.coordinator@clinic.test',
    );
    expect((await second.get(`/plans/${north}`)).status).toBe(403);
    const asCoordinator = await coordinator.post(`/teams/${teamId}/members`, {
      email: 'second.coordinator@clinic.test',
      role: 'coordinator',
    });
    expect(asCoordinator.status).toBe(201);
  });

  it('adds an existing clinician only in the role of their account, and audits a refusal', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { coordinator, teamId, members } = await northTeam(url);
    const { north } = await demoPlans(url);
    const before = await members();
    const prescriber2 = await loginAs(url, 'prescriber2');

    for (const role of ['therapist', 'coordinator']) {
      const res = await coordinator.post(`/teams/${teamId}/members`, {
        email: DEMO.prescriber2,
        role,
      });
      expect(res.status, role).toBe(409);
      expect(res.body).toMatchObject({ error: { code: 'role_mismatch' } });
      expect((res.body as { error: { message: string } }).error.message).toContain(
        "a prescriber's account",
      );
    }
    expect(await members()).toEqual(before);
    expect((await prescriber2.get(`/plans/${north}`)).status).toBe(403);
    const refused = await denials(server, coordinator.user.id);
    expect(refused.map((r) => [r.resourceId, r.teamId, r.details])).toEqual([
      [
        prescriber2.user.id,
        teamId,
        { permission: 'team.manage', reason: 'role_mismatch', role: 'therapist' },
      ],
      [
        prescriber2.user.id,
        teamId,
        { permission: 'team.manage', reason: 'role_mismatch', role: 'coordinator' },
      ],
    ]);
  });

  it('leaves the role of a clinician who is also on a team the coordinator does not run', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { coordinator, teamId, members } = await northTeam(url);
    const { south } = await demoPlans(url);
    const prescriber2 = await loginAs(url, 'prescriber2');
    const joined = await coordinator.post(`/teams/${teamId}/members`, {
      email: DEMO.prescriber2,
      role: 'prescriber',
    });
    expect(joined.status).toBe(201);
    const before = { members: await members(), accounts: await accountRoles(server) };

    const res = await coordinator.patch(`/teams/${teamId}/members/${prescriber2.user.id}`, {
      role: 'therapist',
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'other_team' } });
    expect({ members: await members(), accounts: await accountRoles(server) }).toEqual(before);
    // South's plan, which North's coordinator does not run, keeps its prescriber.
    const plan = await prescriber2.get<PlanDetail>(`/plans/${south}`);
    expect(plan.body.collab.docs.find((d) => d.kind === 'medications')!.access).toBe('write');
  });

  it("sets a membership that differs from its account's role back to it, and no further", async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { coordinator, teamId, members } = await northTeam(url);
    const { north } = await demoPlans(url);
    const therapist = await loginAs(url, 'therapist');
    // A membership from before the rule: the therapist's account, a prescriber on North.
    const teams = server.tandem.ctx.conn.collection<{
      members: { userId: Types.ObjectId; role: string }[];
    }>('teams');
    const stored = (await teams.findOne({ _id: new Types.ObjectId(teamId) }))!;
    await teams.updateOne(
      { _id: stored._id },
      {
        $set: {
          members: stored.members.map((m) =>
            m.userId.equals(therapist.user.id) ? { ...m, role: 'prescriber' } : m,
          ),
        },
      },
    );
    const medications = async () =>
      (await therapist.get<PlanDetail>(`/plans/${north}`)).body.collab.docs.find(
        (d) => d.kind === 'medications',
      )!.access;
    expect(await medications()).toBe('write');

    const keep = await coordinator.patch(`/teams/${teamId}/members/${therapist.user.id}`, {
      role: 'prescriber',
    });
    expect(keep.status).toBe(409);
    expect(keep.body).toMatchObject({ error: { code: 'role_mismatch' } });
    const back = await coordinator.patch(`/teams/${teamId}/members/${therapist.user.id}`, {
      role: 'therapist',
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ email: DEMO.therapist, role: 'therapist' });
    expect(await medications()).toBe('read');
    expect((await members()).find(([email]) => email === DEMO.therapist)).toEqual([
      DEMO.therapist,
      'therapist',
    ]);
    expect((await accountRoles(server))[DEMO.therapist]).toBe('therapist');
  });
});
