import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
