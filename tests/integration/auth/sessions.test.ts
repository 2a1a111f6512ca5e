import { describe, expect, it } from 'vitest';
import {
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_IDLE_TIMEOUT_MS,
  type MeResponse,
} from '@tandem/shared';
import { startTestServer } from '../../helpers/server.ts';
import { Api, DEMO, DEMO_PASSWORD, loginAs } from '../../helpers/api.ts';
import { connectSocket } from '../../helpers/socket.ts';

const MINUTE = 60 * 1000;

/** A clock the test moves by hand. */
function manualClock(start = Date.now()) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function endReason(server: Awaited<ReturnType<typeof startTestServer>>, email: string) {
  const user = await server.tandem.ctx.conn.collection('users').findOne({ email });
  const s = await server.tandem.ctx.conn
    .collection('sessions')
    .find({ userId: user!._id })
    .sort({ createdAt: -1 })
    .limit(1)
    .next();
  return s?.endReason ?? null;
}

describe('session expiry', () => {
  it('ends a session after 15 idle minutes, and activity keeps it alive until then', async () => {
    const clock = manualClock();
    const server = await startTestServer({ seedDemo: true, clock });
    const api = await loginAs(server.url, 'therapist');

    clock.advance(SESSION_IDLE_TIMEOUT_MS - MINUTE);
    const me = await api.get<MeResponse>('/auth/me');
    expect(me.status).toBe(200);
    expect(Date.parse(me.body.session.idleExpiresAt)).toBe(clock.now() + SESSION_IDLE_TIMEOUT_MS);

    clock.advance(SESSION_IDLE_TIMEOUT_MS - MINUTE);
    expect((await api.get('/auth/me')).status).toBe(200);

    clock.advance(SESSION_IDLE_TIMEOUT_MS);
    const expired = await api.get('/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(await endReason(server, DEMO.therapist)).toBe('idle_timeout');
    const expiry = await server.tandem.ctx.conn
      .collection('audits')
      .findOne({ action: 'auth.session_expired' });
    expect(expiry).toMatchObject({ actorId: api.user.id, details: { reason: 'idle_timeout' } });
    // Coming back to life is not possible once ended, even if the clock were kind.
    expect((await api.get('/plans')).status).toBe(401);
  });

  it('ends a busy session 12 hours after sign-in', async () => {
    const clock = manualClock();
    const server = await startTestServer({ seedDemo: true, clock });
    const api = await loginAs(server.url, 'prescriber');
    const steps = SESSION_ABSOLUTE_TIMEOUT_MS / (10 * MINUTE);
    for (let i = 1; i < steps; i++) {
      clock.advance(10 * MINUTE);
      expect((await api.get('/auth/me')).status, `after ${i * 10} minutes`).toBe(200);
    }
    clock.advance(10 * MINUTE);
    expect((await api.get('/auth/me')).status).toBe(401);
    expect(await endReason(server, DEMO.prescriber)).toBe('absolute_timeout');
  });

  it('closes the Socket.IO connections of a session that expires while they are open', async () => {
    const clock = manualClock();
    const server = await startTestServer({ seedDemo: true, clock, sessionSweepMs: 100 });
    const api = await loginAs(server.url, 'patient');
    const socket = await connectSocket(server.url, api.token!);
    const ended: string[] = [];
    socket.on('session:ended', (p) => ended.push(p.reason));

    clock.advance(SESSION_IDLE_TIMEOUT_MS + MINUTE);
    await expect.poll(() => socket.connected).toBe(false);
    expect(ended).toHaveLength(1);
  });
});

describe('logout', () => {
  it("closes that session's open sockets and leaves the account's other sessions alone", async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const first = await loginAs(url, 'coordinator');
    const second = await loginAs(url, 'coordinator');
    const a = await connectSocket(url, first.token!);
    const b = await connectSocket(url, first.token!);
    const other = await connectSocket(url, second.token!);
    const ended: string[] = [];
    a.on('session:ended', (p) => ended.push(p.reason));

    expect((await first.post('/auth/logout')).status).toBe(204);
    await expect.poll(() => [a.connected, b.connected]).toEqual([false, false]);
    expect(ended).toEqual(['session_ended']);
    expect(other.connected).toBe(true);
    expect((await second.get('/auth/me')).status).toBe(200);
    expect((await first.get('/auth/me')).status).toBe(401);
  });

  it('closes sockets held by another instance (relayed through Redis)', async () => {
    const a = await startTestServer({ seedDemo: true, redis: true });
    const b = await startTestServer({ dbName: a.dbName, redis: true });
    const api = await loginAs(a.url, 'therapist');
    const onB = await connectSocket(b.url, api.token!);
    expect((await api.post('/auth/logout')).status).toBe(204);
    await expect.poll(() => onB.connected).toBe(false);
  });

  it('refuses a socket without a valid session, and audits it', async () => {
    const server = await startTestServer({ seedDemo: true });
    await expect(connectSocket(server.url, 'x'.repeat(43))).rejects.toThrow(/unauthenticated/);
    const denied = await server.tandem.ctx.conn
      .collection('audits')
      .findOne({ action: 'access.denied', resourceType: 'socket' });
    expect(denied).toMatchObject({ outcome: 'denied', details: { reason: 'unauthenticated' } });
  });
});

describe('sign-in rate limits', () => {
  it('answers 429 with Retry-After after 5 failures for one account, until the window passes', async () => {
    const clock = manualClock();
    const { url } = await startTestServer({ seedDemo: true, clock });
    const anon = new Api(url);
    for (let i = 0; i < 5; i++) {
      const res = await anon.post('/auth/login', { email: DEMO.patient, password: `guess-${i}` });
      expect(res.status).toBe(401);
    }
    const limited = await anon.post('/auth/login', {
      email: DEMO.patient,
      password: DEMO_PASSWORD,
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Another account from the same address is not locked by this one.
    expect(
      (await anon.post('/auth/login', { email: DEMO.therapist, password: DEMO_PASSWORD })).status,
    ).toBe(200);

    clock.advance(retryAfter * 1000);
    expect(
      (await anon.post('/auth/login', { email: DEMO.patient, password: DEMO_PASSWORD })).status,
    ).toBe(200);
  });

  it('limits failures per source address across accounts', async () => {
    const { url } = await startTestServer({ seedDemo: true, redis: true });
    const anon = new Api(url);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push(
        (await anon.post('/auth/login', { email: `nobody${i}@demo.test`, password: 'x' })).status,
      );
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
    const res = await anon.post('/auth/login', { email: DEMO.prescriber, password: DEMO_PASSWORD });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('cross-site requests', () => {
  it('refuses a state-changing request from a foreign Origin, audits it, and keeps the session', async () => {
    const server = await startTestServer({ seedDemo: true });
    const api = await loginAs(server.url, 'prescriber');
    const foreign = await api.request(
      'POST',
      '/auth/logout',
      {},
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: 'foreign_origin' } });
    expect((await api.get('/auth/me')).status).toBe(200);

    const login = await new Api(server.url).request(
      'POST',
      '/auth/login',
      { email: DEMO.prescriber, password: DEMO_PASSWORD },
      { origin: 'http://localhost.evil.example' },
    );
    expect(login.status).toBe(403);
    const refusals = await server.tandem.ctx.conn
      .collection('audits')
      .find({ action: 'access.denied', 'details.reason': 'foreign_origin' })
      .toArray();
    expect(refusals.map((r) => r.resourceId)).toEqual([
      'POST /api/v1/auth/logout',
      'POST /api/v1/auth/login',
    ]);

    // Its own origin is welcome.
    const own = await api.request('POST', '/auth/logout', {}, { origin: server.url });
    expect(own.status).toBe(204);
  });
});
