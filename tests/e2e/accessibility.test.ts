import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { demoPlans } from '../helpers/api.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { signedInContext } from '../helpers/web.ts';

let browser: Browser;
let server: TestServer;
let plans: { north: string; south: string };

beforeAll(async () => {
  server = await startTestServer({ web: true, seedDemo: true });
  plans = await demoPlans(server.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function expectNoSeriousViolations(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

const saved = (page: Page) => page.getByTestId('save-state').getAttribute('data-state');

describe('accessibility (axe-core, serious and critical)', () => {
  it('login page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login?reason=expired`);
    await expect.poll(() => page.getByTestId('login-reason').count()).toBe(1);
    await expectNoSeriousViolations(page);
    await context.close();
  });

  it('dashboard', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await expect.poll(() => page.getByTestId('plan-link').count()).toBeGreaterThan(0);
    await expectNoSeriousViolations(page);
    await context.close();
  });

  it('clinician workspace', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'prescriber');
    await page.goto(`${server.url}/plans/${plans.north}`);
    await expect.poll(() => saved(page), { timeout: 15_000 }).toBe('saved');
    await expectNoSeriousViolations(page);
    await context.close();
  });

  it('history drawer with recent edits', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'prescriber');
    await page.goto(`${server.url}/plans/${plans.north}`);
    await expect.poll(() => saved(page), { timeout: 15_000 }).toBe('saved');
    await page.getByTestId('open-history').click();
    await expect.poll(() => page.getByTestId('plan-edit').count()).toBeGreaterThan(0);
    await expectNoSeriousViolations(page);
    await context.close();
  });

  it('read-only workspace (therapist on medications)', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'therapist');
    await page.goto(`${server.url}/plans/${plans.north}`);
    await expect.poll(() => saved(page), { timeout: 15_000 }).toBe('saved');
    await expectNoSeriousViolations(page);
    await context.close();
  });

  it('patient view on a phone', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'patient', {
      viewport: { width: 390, height: 844 },
    });
    await expect.poll(() => page.getByTestId('patient-goal').count()).toBeGreaterThan(0);
    await expectNoSeriousViolations(page);
    await context.close();
  });
});
