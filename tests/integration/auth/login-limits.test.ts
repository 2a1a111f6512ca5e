import { describe, expect, it } from 'vitest';
import { loadConfig } from '@tandem/server/env.ts';
import { startTestServer } from '../../helpers/server.ts';
import { Api, DEMO, DEMO_PASSWORD } from '../../helpers/api.ts';

/** A sign-in as it reaches Tandem through one load balancer, which appends the address it saw. */
function loginVia(
  url: string,
  email: string,
  password: string,
  seenByBalancer: string,
  forged?: string,
) {
  const forwardedFor = forged ? `${forged}, ${seenByBalancer}` : seenByBalancer;
  return new Api(url).request(
    'POST',
    '/auth/login',
    { email, password },
    {
      'x-forwarded-for': forwardedFor,
    },
  );
}

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

describe('per-account sign-in limit under concurrency', () => {
  it('lets 5 of 20 concurrent wrong passwords for one account be tried (one instance, no Redis)', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const anon = new Api(url);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        anon
          .post('/auth/login', { email: DEMO.patient, password: `guess-${i}` })
          .then((r) => r.status),
      ),
    );
    expect(tally(statuses)).toEqual({ 401: 5, 429: 15 });
  });

  it('lets 5 of 20 concurrent wrong passwords be tried across two instances sharing Redis', async () => {
    const a = await startTestServer({ seedDemo: true, redis: true });
    const b = await startTestServer({ dbName: a.dbName, redis: true });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Api(i % 2 ? a.url : b.url)
          .post('/auth/login', { email: DEMO.patient, password: `guess-${i}` })
          .then((r) => r.status),
      ),
    );
    expect(tally(statuses)).toEqual({ 401: 5, 429: 15 });
    expect(
      (await new Api(a.url).post('/auth/login', { email: DEMO.patient, password: DEMO_PASSWORD }))
        .status,
    ).toBe(429);
  });

  it('starts the count afresh after a successful sign-in', async () => {
    const { url } = await startTestServer({ seedDemo: true, redis: true });
    const anon = new Api(url);
    const attempt = (password: string) =>
      anon.post('/auth/login', { email: DEMO.therapist, password }).then((r) => r.status);
    for (let i = 0; i < 4; i++) expect(await attempt(`guess-${i}`)).toBe(401);
    expect(await attempt(DEMO_PASSWORD)).toBe(200);
    for (let i = 0; i < 5; i++) expect(await attempt(`again-${i}`)).toBe(401);
    expect(await attempt(DEMO_PASSWORD)).toBe(429);
  });
});

describe('per-address sign-in limit', () => {
  it('reads the address from the last proxy hop: a forged X-Forwarded-For does not escape the limit', async () => {
    const { url } = await startTestServer({ seedDemo: true, env: { TRUST_PROXY: '1' } });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await loginVia(url, `nobody${i}@demo.test`, 'x', '203.0.113.7', `10.0.${i}.1`);
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
    // Another address behind the same balancer is not affected.
    expect((await loginVia(url, DEMO.prescriber, DEMO_PASSWORD, '198.51.100.4')).status).toBe(200);
  });

  it('still lets in a person who has signed in from the address, and refuses others untried', async () => {
    const { url } = await startTestServer({
      seedDemo: true,
      redis: true,
      env: { TRUST_PROXY: '1' },
    });
    const shared = '203.0.113.9';
    expect((await loginVia(url, DEMO.therapist, DEMO_PASSWORD, shared)).status).toBe(200);
    for (let i = 0; i < 30; i++) {
      expect((await loginVia(url, `nobody${i}@demo.test`, 'x', shared)).status).toBe(401);
    }
    // Known from this address: the right password gets in, a wrong one is tried (and counted for the account).
    expect((await loginVia(url, DEMO.therapist, DEMO_PASSWORD, shared)).status).toBe(200);
    expect((await loginVia(url, DEMO.therapist, 'not it', shared)).status).toBe(401);
    // Never signed in from here: refused before the password is looked at, so guessing gains nothing.
    const refused = await loginVia(url, DEMO.prescriber, DEMO_PASSWORD, shared);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await loginVia(url, DEMO.prescriber, DEMO_PASSWORD, '198.51.100.4')).status).toBe(200);
  });

  it('accepts TRUST_PROXY as true, false or a hop count, and names anything else', () => {
    expect(loadConfig({ TRUST_PROXY: '1' })).toMatchObject({ trustProxy: true, proxyTrust: 1 });
    expect(loadConfig({ TRUST_PROXY: 'true' })).toMatchObject({
      trustProxy: true,
      proxyTrust: true,
    });
    expect(loadConfig({ TRUST_PROXY: 'false' })).toMatchObject({
      trustProxy: false,
      proxyTrust: false,
    });
    expect(loadConfig({ TRUST_PROXY: '0' })).toMatchObject({
      trustProxy: false,
      proxyTrust: false,
    });
    expect(loadConfig({})).toMatchObject({ trustProxy: false, proxyTrust: false });
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '-1' })).toThrow(/TRUST_PROXY/);
  });
});
