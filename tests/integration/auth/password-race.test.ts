import { describe, expect, it } from 'vitest';
import type { LoginResponse, PasswordResetResponse, TeamSummary } from '@tandem/shared';
import { sessionModel } from '@tandem/server/auth/model.ts';
import { registerTeardown, startTestServer, type TestServer } from '../../helpers/server.ts';
import { Api, DEMO, DEMO_PASSWORD, loginAs } from '../../helpers/api.ts';

/**
 * Holds every sign-in of this server between checking the password and storing its
 * session (the window a racing password change lands in) until `release()`.
 */
function holdSessionCreation(server: TestServer) {
  const Sessions = sessionModel(server.tandem.ctx.conn);
  const create = Sessions.create.bind(Sessions);
  let arrive!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  Sessions.create = (async (...args: Parameters<typeof create>) => {
    arrive();
    await released;
    return create(...args);
  }) as unknown as typeof Sessions.create;
  registerTeardown(async () => {
    delete (Sessions as { create?: unknown }).create;
  });
  return { arrived, release };
}

async function lastEndReason(server: TestServer, email: string): Promise<string | null> {
  const user = await server.tandem.ctx.conn.collection('users').findOne({ email });
  const s = await server.tandem.ctx.conn
    .collection('sessions')
    .find({ userId: user!._id })
    .sort({ createdAt: -1, _id: 1 })
    .limit(1)
    .next();
  return (s?.endReason as string | null | undefined) ?? null;
}

const NEW_PASSWORD = 'a passphrase of my own';

describe('a sign-in racing a password change', () => {
  it("keeps no session from the old password when the owner changes it meanwhile, and the owner's stays", async () => {
    const server = await startTestServer({ seedDemo: true });
    const owner = await loginAs(server.url, 'therapist');
    const hold = holdSessionCreation(server);

    const racing = new Api(server.url).post<LoginResponse>('/auth/login', {
      email: DEMO.therapist,
      password: DEMO_PASSWORD,
    });
    await hold.arrived;
    const changed = await owner.post('/auth/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.status).toBe(204);
    hold.release();

    const res = await racing;
    expect(res.status).toBe(200);
    expect((await new Api(server.url, res.body.token).get('/auth/me')).status).toBe(401);
    expect(await lastEndReason(server, DEMO.therapist)).toBe('password_changed');
    expect((await owner.get('/auth/me')).status).toBe(200);
    const fresh = await loginAs(server.url, 'therapist', NEW_PASSWORD);
    expect((await fresh.get('/auth/me')).status).toBe(200);
    expect((await owner.get('/auth/me')).status).toBe(200);
  });

  it('keeps no session from the old password when a coordinator resets it meanwhile', async () => {
    const server = await startTestServer({ seedDemo: true });
    const coordinator = await loginAs(server.url, 'coordinator');
    const teams = await coordinator.get<TeamSummary[]>('/teams');
    const teamId = teams.body.find((t) => t.name === 'North Team')!.id;
    const therapist = await loginAs(server.url, 'therapist');
    const hold = holdSessionCreation(server);

    const racing = new Api(server.url).post<LoginResponse>('/auth/login', {
      email: DEMO.therapist,
      password: DEMO_PASSWORD,
    });
    await hold.arrived;
    const reset = await coordinator.post<PasswordResetResponse>(
      `/teams/${teamId}/members/${therapist.user.id}/password`,
    );
    expect(reset.status).toBe(200);
    hold.release();

    const res = await racing;
    expect(res.status).toBe(200);
    expect((await new Api(server.url, res.body.token).get('/auth/me')).status).toBe(401);
    expect((await therapist.get('/auth/me')).status).toBe(401);
    const first = await loginAs(server.url, 'therapist', reset.body.initialPassword);
    expect((await first.get('/auth/me')).status).toBe(200);
  });

  it('keeps sessions and accounts from before credential epochs working, and the changer signed in', async () => {
    const server = await startTestServer({ seedDemo: true });
    const mine = await loginAs(server.url, 'patient');
    const other = await loginAs(server.url, 'patient');
    const db = server.tandem.ctx.conn;
    await db
      .collection('users')
      .updateOne(
        { email: DEMO.patient },
        { $unset: { credentialEpoch: '', credentialSession: '' } },
      );
    await db.collection('sessions').updateMany(
      { userId: (await db.collection('users').findOne({ email: DEMO.patient }))!._id },
      {
        $unset: { credentialEpoch: '' },
      },
    );
    expect((await mine.get('/auth/me')).status).toBe(200);
    expect((await other.get('/auth/me')).status).toBe(200);

    for (const [from, to] of [
      [DEMO_PASSWORD, NEW_PASSWORD],
      [NEW_PASSWORD, `${NEW_PASSWORD} again`],
    ] as const) {
      const changed = await mine.post('/auth/password', { currentPassword: from, newPassword: to });
      expect(changed.status).toBe(204);
      expect((await mine.get('/auth/me')).status).toBe(200);
    }
    expect((await other.get('/auth/me')).status).toBe(401);
    const later = await loginAs(server.url, 'patient', `${NEW_PASSWORD} again`);
    expect((await later.get('/auth/me')).status).toBe(200);
    expect((await mine.get('/auth/me')).status).toBe(200);
  });
});
