import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readList, type Comment, type VersionSummary } from '@tandem/shared';
import { loadPlanDoc } from '@tandem/server/plans/content.ts';
import { demoPlans, loginAs } from '../helpers/api.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { screenshot, signedInContext } from '../helpers/web.ts';

let browser: Browser;
let server: TestServer;
let planId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer({ web: true, seedDemo: true });
  planId = (await demoPlans(server.url)).north;
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

/** Live updates cross the browser and the server on a shared, often busy machine. */
const eventually = <T>(fn: () => T | Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout });

/** The bell's lines as read, without the "5 min ago" that follows each. */
const lines = async (page: Page) =>
  (await page.getByTestId('notification').allTextContents()).map((t) =>
    t
      .replace(/\s+/g, ' ')
      .replace(/ (just now|\d+ min ago)$/, '')
      .trim(),
  );

async function therapistWithBell(): Promise<Page> {
  const { context, page } = await signedInContext(browser, server.url, 'therapist', {
    viewport: { width: 1280, height: 900 },
  });
  contexts.push(context);
  await eventually(() => page.getByTestId('notifications-toggle').getAttribute('data-loaded')).toBe(
    'true',
  );
  return page;
}

describe('the notifications bell', () => {
  it('names the goal a patient commented on, and lets go of a request once it is done', async () => {
    const page = await therapistWithBell();
    const patient = await loginAs(server.url, 'patient');
    const goals = readList(await loadPlanDoc(server.tandem.ctx, planId, 'care'), 'goals');
    for (const goal of goals.slice(0, 2)) {
      const res = await patient.post<Comment>(`/plans/${planId}/comments`, {
        goalId: goal.id,
        body: 'Private words that stay in the plan',
      });
      expect(res.status).toBe(201);
    }
    await eventually(() => page.getByTestId('notifications-unread').textContent()).toBe('2');
    await page.getByTestId('notifications-toggle').click();
    await eventually(() => lines(page)).toEqual([
      `Alex Morgan commented on “${goals[1]!.title}” (unread)`,
      `Alex Morgan commented on “${goals[0]!.title}” (unread)`,
    ]);
    await screenshot(page.getByTestId('notifications-panel'), 'notifications-goal-titles');

    // A version to co-sign reaches the open bell…
    const therapist = await loginAs(server.url, 'therapist');
    const prescriber = await loginAs(server.url, 'prescriber');
    const base = `/plans/${planId}/versions`;
    const v = await therapist.post<VersionSummary>(base, { label: 'Bell' });
    expect((await prescriber.post(`${base}/${v.body.number}/sign`)).status).toBe(200);
    const ask = `Dr. Maya Okafor signed version ${v.body.number} of Alex Morgan’s plan: it needs your co-signature`;
    await eventually(() => lines(page)).toContain(`${ask} (unread)`);
    expect(await page.getByTestId('notifications-unread').textContent()).toBe('3');

    // …and, co-signed from another tab, is read on this page at once, the others still unread.
    expect((await therapist.post(`${base}/${v.body.number}/cosign`)).status).toBe(200);
    await eventually(() => lines(page)).toEqual([
      ask,
      `Alex Morgan commented on “${goals[1]!.title}” (unread)`,
      `Alex Morgan commented on “${goals[0]!.title}” (unread)`,
    ]);
    expect(await page.getByTestId('notifications-unread').textContent()).toBe('2');
  });
});
