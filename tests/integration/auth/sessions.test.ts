import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import {
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_COOKIE,
  SESSION_IDLE_TIMEOUT_MS,
  type MeResponse,
} from '@tandem/shared';
import { registerTeardown, startTestServer } from '../../helpers/server.ts';
import { Api, DEMO, DEMO_PASSWORD, demoPlans, loginAs } from '../../helpers/api.ts';
import { connectSocket, joinPlan, type ClientSocket } from '../../helpers/socket.ts';

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

/**
 * A raw Socket.IO handshake with the headers a browser page would send (the session cookie,
 * Origin); resolves with the socket once connected, or with the connect_error data if refused.
 */
async function handshake(url: string, headers: Record<string, string>, token?: string) {
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
    ...(token ? { auth: { token } } : {}),
  });
  registerTeardown(async () => {
    socket.disconnect();
  });
  const error = await new Promise<unknown>((resolve) => {
    socket.once('connect', () => resolve(null));
    socket.once('connect_error', (err) => resolve((err as Error & { data?: unknown }).data ?? err));
  });
  return { socket, error };
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

  it('refuses a Socket.IO handshake riding the session cookie from another origin, and audits it', async () => {
    const server = await startTestServer({
      seedDemo: true,
      env: { PUBLIC_URL: 'https://tandem.example' },
    });
    const { north } = await demoPlans(server.url);
    const api = await loginAs(server.url, 'prescriber');
    const cookie = `${SESSION_COOKIE}=${api.token}`;
    const siblingPort = new URL(server.url);
    siblingPort.port = String(Number(siblingPort.port) + 1);

    const foreign: Record<string, string>[] = [
      { cookie, origin: 'http://evil.example.com' },
      { cookie, origin: siblingPort.origin },
      { cookie, origin: 'null' },
      { cookie, 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      const { socket, error } = await handshake(server.url, headers);
      expect(error, JSON.stringify(headers)).toEqual({
        code: 'foreign_origin',
        message: expect.any(String),
      });
      expect(socket.connected).toBe(false);
    }
    const refusals = await server.tandem.ctx.conn
      .collection('audits')
      .find({ action: 'access.denied', resourceType: 'socket' })
      .toArray();
    expect(refusals).toHaveLength(foreign.length);
    for (const r of refusals) {
      expect(r).toMatchObject({ outcome: 'denied', details: { reason: 'foreign_origin' } });
    }

    // The cookie is welcome from this site's own origin and from its public URL, and from a
    // client that sends no Origin at all (not a browser page).
    const welcome: Record<string, string>[] = [
      { cookie, origin: server.url },
      { cookie, origin: 'https://tandem.example' },
      { cookie },
    ];
    for (const headers of welcome) {
      const { socket, error } = await handshake(server.url, headers);
      expect(error, JSON.stringify(headers)).toBeNull();
      expect(await joinPlan(socket, north)).toEqual({ ok: true });
    }
    // A bearer token is not something a foreign page can hold, so its Origin does not matter.
    const bearer = await handshake(server.url, { origin: 'http://evil.example.com' }, api.token!);
    expect(bearer.error).toBeNull();
    expect(await joinPlan(bearer.socket, north)).toEqual({ ok: true });
  });

  it('refuses a cookie request without Origin that the browser marks as from elsewhere', async () => {
    const server = await startTestServer({ seedDemo: true });
    const browser = new Api(server.url);
    const cookieOf = async () =>
      `${SESSION_COOKIE}=${(await loginAs(server.url, 'therapist')).token}`;
    const cookie = await cookieOf();

    for (const site of ['cross-site', 'same-site']) {
      const res = await browser.request(
        'POST',
        '/auth/logout',
        {},
        { cookie, 'sec-fetch-site': site },
      );
      expect(res.status, site).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'foreign_origin' } });
    }
    const refusals = await server.tandem.ctx.conn
      .collection('audits')
      .find({ action: 'access.denied', 'details.reason': 'foreign_origin' })
      .toArray();
    expect(refusals.map((r) => r.resourceId)).toEqual([
      'POST /api/v1/auth/logout',
      'POST /api/v1/auth/logout',
    ]);

    // Still accepted: the cookie from this origin or from a client without Origin or
    // Sec-Fetch-Site, and a bearer token whatever the browser says.
    const accepted: Record<string, string>[] = [
      { cookie, 'sec-fetch-site': 'same-origin' },
      { cookie: await cookieOf() },
      {
        authorization: `Bearer ${(await loginAs(server.url, 'therapist')).token}`,
        'sec-fetch-site': 'cross-site',
      },
    ];
    for (const headers of accepted) {
      const res = await browser.request('POST', '/auth/logout', {}, headers);
      expect(res.status, JSON.stringify(headers)).toBe(204);
    }
  });
});
