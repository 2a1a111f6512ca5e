import { describe, expect, it } from 'vitest';
import { Health, type ErrorBody } from '@tandem/shared';
import { startTestServer } from '../helpers/server.ts';
import { loginAs } from '../helpers/api.ts';
import { startRedis } from '../helpers/services.ts';

describe('GET /api/v1/health', () => {
  it('reports the database and Redis as ok when both answer', async () => {
    const { url } = await startTestServer({ redis: true });
    const res = await fetch(`${url}/api/v1/health`);
    expect(res.status).toBe(200);
    const body = Health.parse(await res.json());
    expect(body).toMatchObject({ status: 'ok', db: 'ok', redis: 'ok' });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports Redis down with 503 while it is unreachable, instead of waiting for it', async () => {
    const redis = await startRedis();
    const { url } = await startTestServer({ env: { REDIS_URL: redis.url } });
    expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
    await redis.stop();
    const res = await fetch(`${url}/api/v1/health`);
    expect(res.status).toBe(503);
    expect(Health.parse(await res.json())).toMatchObject({ status: 'degraded', redis: 'down' });
  });

  it('reports Redis as disabled without REDIS_URL', async () => {
    const { url } = await startTestServer();
    const body = Health.parse(await (await fetch(`${url}/api/v1/health`)).json());
    expect(body).toMatchObject({ status: 'ok', db: 'ok', redis: 'disabled' });
  });

  it('reports the database down with 503 once its connection is gone', async () => {
    const { url, tandem } = await startTestServer();
    await tandem.ctx.conn.close();
    const res = await fetch(`${url}/api/v1/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', db: 'down' });
  });
});

describe('HTTP basics', () => {
  it('answers unknown API paths with the JSON error format', async () => {
    const { url } = await startTestServer();
    const res = await fetch(`${url}/api/v1/no-such-thing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'No such endpoint.' },
    });
  });

  it('rejects malformed JSON with 400 and oversized bodies with 413', async () => {
    const { url } = await startTestServer();
    const bad = await fetch(`${url}/api/v1/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"unterminated": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.code).toBe('malformed_json');

    const big = await fetch(`${url}/api/v1/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).error.code).toBe('payload_too_large');
  });

  it('sends security headers', async () => {
    const { url } = await startTestServer();
    const res = await fetch(`${url}/api/v1/health`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('tells browsers and proxies to keep no copy of any API answer', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    const prescriber = await loginAs(url, 'prescriber');
    const plans = await prescriber.get('/plans');
    expect(plans.status).toBe(200);
    expect(plans.headers.get('cache-control')).toBe('no-store');
    const missing = await fetch(`${url}/api/v1/no-such-thing`);
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });
});
