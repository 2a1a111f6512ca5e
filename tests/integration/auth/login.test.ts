import { describe, expect, it } from 'vitest';
import {
  SESSION_COOKIE,
  type MeResponse,
  type PlanDetail,
  type PlanListItem,
  type SessionResponse,
} from '@tandem/shared';
import { startTestServer } from '../../helpers/server.ts';
import { Api, DEMO, DEMO_PASSWORD, loginAs } from '../../helpers/api.ts';

describe('sign-in', () => {
  it('returns the user and a token, sets an HttpOnly SameSite cookie, and /auth/me answers', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO.prescriber, password: DEMO_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { email: string; role: string }; token: string };
    expect(body.user).toMatchObject({ email: DEMO.prescriber, role: 'prescriber' });
    expect(body.token.length).toBeGreaterThan(30);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`${SESSION_COOKIE}=`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const byBearer = await new Api(url, body.token).get<MeResponse>('/auth/me');
    expect(byBearer.status).toBe(200);
    expect(byBearer.body.user.email).toBe(DEMO.prescriber);

    const byCookie = await fetch(`${url}/api/v1/auth/me`, {
      headers: { cookie: `${SESSION_COOKIE}=${body.token}` },
    });
    expect(byCookie.status).toBe(200);
  });

  it('refuses a wrong password with 401 invalid_credentials', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const res = await new Api(url).post('/auth/login', {
      email: DEMO.therapist,
      password: 'nope',
    });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'invalid_credentials' } });
  });

  it('answers /auth/session with the session, or with no user and no audited refusal', async () => {
    const server = await startTestServer({ seedDemo: true });
    const denials = () =>
      server.tandem.ctx.conn.collection('audits').countDocuments({ outcome: 'denied' });
    const before = await denials();
    const anonymous = await new Api(server.url).get<SessionResponse>('/auth/session');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ user: null });
    const expired = await new Api(server.url, 'not-a-session').get<SessionResponse>(
      '/auth/session',
    );
    expect(expired.body).toEqual({ user: null });
    expect(await denials()).toBe(before);

    const api = await loginAs(server.url, 'coordinator');
    const signedIn = await api.get<SessionResponse>('/auth/session');
    expect(signedIn.body).toEqual((await api.get<MeResponse>('/auth/me')).body);
    expect(signedIn.body).toMatchObject({
      user: { email: DEMO.coordinator },
      passwordChangeDue: false,
    });
    await api.post('/auth/logout');
    expect((await api.get<SessionResponse>('/auth/session')).body).toEqual({ user: null });
  });

  it('ends the session on logout', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const api = await loginAs(url, 'coordinator');
    expect((await api.post('/auth/logout')).status).toBe(204);
    expect((await api.get('/auth/me')).status).toBe(401);
  });
});

describe('plans', () => {
  it('lists the plans of the caller and describes the documents with access', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const prescriber = await loginAs(url, 'prescriber');
    const list = await prescriber.get<PlanListItem[]>('/plans');
    expect(list.status).toBe(200);
    expect(list.body.map((p) => p.patient.name)).toEqual(['Alex Morgan']);
    expect(list.body[0]!.team.name).toBe('North Team');

    const planId = list.body[0]!.id;
    const detail = await prescriber.get<PlanDetail>(`/plans/${planId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.collab.docs.map((d) => [d.kind, d.access])).toEqual([
      ['care', 'write'],
      ['medications', 'write'],
      ['private', 'write'],
    ]);

    const patient = await loginAs(url, 'patient');
    const mine = await patient.get<PlanDetail>(`/plans/${planId}`);
    expect(mine.body.collab.docs.map((d) => [d.kind, d.access])).toEqual([
      ['care', 'read'],
      ['medications', 'read'],
    ]);

    const outsider = await loginAs(url, 'prescriber2');
    expect((await outsider.get(`/plans/${planId}`)).status).toBe(403);
    expect((await outsider.get('/plans/0123456789abcdef01234567')).status).toBe(403);
  });
});
