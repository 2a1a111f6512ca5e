import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ web: true, redis: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('landing page', () => {
  it('shows the healthy connection state', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await expect
      .poll(() => page.getByTestId('health').locator('[data-state]').getAttribute('data-state'))
      .toBe('healthy');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(
      'One treatment plan',
    );
    await page.close();
  });
});

describe('content security policy', () => {
  it('runs the app, but not a script injected into its page', async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) refused.push(m.text());
    });
    const res = await page.goto(`${server.url}/login`);
    const csp = (await res!.headerValue('content-security-policy')) ?? '';
    const scripts = csp.split(';').find((d) => d.trim().startsWith('script-src'));
    expect(scripts).toMatch(/'sha256-/);
    expect(scripts).not.toContain('unsafe-inline');
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await expect.poll(() => signIn.count()).toBe(1);
    // A reload revalidates the page (304), which must not bring another policy along.
    await page.reload();
    await expect.poll(() => signIn.count()).toBe(1);
    expect(refused).toEqual([]);

    const ran = await page.evaluate<boolean>(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      return 'injected' in window;
    })()`);
    expect(ran).toBe(false);
    await expect.poll(() => refused.length).toBe(1);
    await page.close();
  });
});

describe('a new build written over the running one', () => {
  it('answers 404 for a file of the old build, and keeps serving', async () => {
    // A copy of the build, so that removing a file from it leaves the other tests' build alone.
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-web-'));
    onTestFinished(() => rm(dir, { recursive: true }));
    await cp(path.resolve(import.meta.dirname, '../../web/build'), dir, { recursive: true });
    const copy = await startTestServer({ web: true, env: { WEB_BUILD_DIR: dir } });
    const entry = path.join(dir, 'client/_app/immutable/entry');
    const script = (await readdir(entry)).find((f) => f.endsWith('.js'))!;
    const url = `${copy.url}/_app/immutable/entry/${script}`;
    const get = (encoding: string) => fetch(url, { headers: { 'accept-encoding': encoding } });
    expect((await get('br')).status).toBe(200);

    for (const f of [script, `${script}.br`, `${script}.gz`]) await rm(path.join(entry, f));
    for (const encoding of ['br', 'gzip', 'identity'])
      expect((await get(encoding)).status).toBe(404);
    const page = await fetch(`${copy.url}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('_app/immutable');
  });
});
