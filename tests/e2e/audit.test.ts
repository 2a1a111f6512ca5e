import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoPlans, loginAs } from '../helpers/api.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { screenshot, signedInContext } from '../helpers/web.ts';

let browser: Browser;
let server: TestServer;
let plans: { north: string; south: string };

beforeAll(async () => {
  server = await startTestServer({ web: true, seedDemo: true });
  plans = await demoPlans(server.url);
  browser = await launchBrowser();
  // The prescriber opens Alex's plan often enough for more than one page of the log;
  // the coordinator once; the South Team's prescriber only their own patient's.
  const prescriber = await loginAs(server.url, 'prescriber');
  for (let i = 0; i < 55; i++) await prescriber.get(`/plans/${plans.north}`);
  await (await loginAs(server.url, 'coordinator')).get(`/plans/${plans.north}`);
  await (await loginAs(server.url, 'prescriber2')).get(`/plans/${plans.south}`);
});
afterAll(async () => {
  await browser?.close();
});

describe("the patient's access log", () => {
  it('shows a patient on a phone who opened their record, visit by visit', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'patient', {
      viewport: { width: 390, height: 844 },
    });
    await page.getByTestId('user-menu').click();
    await page.getByRole('link', { name: 'Who opened my record' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/access-log');
    const visits = page.getByTestId('access-visit');
    const entriesShown = async () => {
      const counts = await visits.evaluateAll((els) => els.map((e) => Number(e.dataset.entries)));
      return counts.reduce((a, b) => a + b, 0);
    };
    // The first page holds 50 entries; the prescriber's reads, a minute apart at most, are one visit.
    await expect.poll(entriesShown).toBe(50);
    const lines = await visits.allTextContents();
    expect(lines[0]).toContain('Jordan Lee');
    expect(lines[1]).toMatch(/Dr\. Maya Okafor · Prescriber\s*Opened your plan/);
    // What the patient did themself is left out until they ask for it.
    expect(lines.some((l) => l.includes('You'))).toBe(false);
    expect(lines.join(' ')).not.toContain('Dr. Priya Nair');
    await screenshot(page, 'access-log-patient');
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);

    // Older entries join the visit they belong to.
    await page.getByRole('button', { name: 'Show older' }).click();
    await expect.poll(entriesShown).toBeGreaterThan(50);
    expect(Number(await visits.nth(1).getAttribute('data-entries'))).toBeGreaterThanOrEqual(55);
    await expect.poll(() => page.getByRole('button', { name: 'Show older' }).count()).toBe(0);

    await page.getByLabel('Include what I did myself').check();
    await expect.poll(() => new URL(page.url()).search).toBe('?mine=1');
    await expect.poll(async () => (await visits.first().textContent())?.includes('You')).toBe(true);
    await context.close();
  });
});

describe("the coordinator's audit trail", () => {
  it('lists the team’s records, filters them by patient and person, and checks the chain', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/audit');
    const rows = page.getByTestId('audit-record');
    await expect.poll(() => rows.count()).toBe(50);
    expect((await rows.allTextContents()).join(' ')).not.toContain('Casey Brooks');

    await page.getByLabel('Patient').selectOption({ label: 'Alex Morgan' });
    await page.getByLabel('Person').selectOption({ label: 'Dr. Maya Okafor' });
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('person')).not.toBeNull();
    await expect
      .poll(async () => (await rows.allTextContents()).every((r) => r.includes('Dr. Maya Okafor')))
      .toBe(true);
    const filtered = await rows.allTextContents();
    expect(filtered.every((r) => r.includes('Alex Morgan') && r.includes('plan.read'))).toBe(true);
    // In words for the people who review it, the code next to them.
    const opened = rows.filter({ hasText: 'plan.read' }).first();
    expect(await opened.getByTestId('audit-label').textContent()).toBe('Opened the plan');
    await page.getByRole('button', { name: 'Show older' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(55);
    await expect.poll(() => page.getByRole('button', { name: 'Show older' }).count()).toBe(0);
    expect((await rows.allTextContents()).every((r) => r.includes('Dr. Maya Okafor'))).toBe(true);

    await page.getByRole('button', { name: 'Check the chain' }).click();
    const verify = page.getByTestId('audit-verify');
    await expect.poll(() => verify.getAttribute('data-ok')).toBe('true');
    expect((await verify.textContent())!.replace(/\s+/g, ' ')).toMatch(
      /Intact: [\d,]+ records checked, the last one’s fingerprint [0-9a-f]{12}/,
    );
    await screenshot(page, 'audit-trail-coordinator');
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);

    // The filters live in the address: a reload shows the same view.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(50);
    expect(await page.getByLabel('Person').inputValue()).not.toBe('');

    // A date the address garbled is ignored, not an error.
    await page.goto(`${server.url}/audit?from=2026-13-45&to=soon`);
    await expect.poll(() => rows.count()).toBe(50);
    expect(await page.getByLabel('From').inputValue()).toBe('');
    await context.close();
  });

  it('keeps keyboard focus in the filters after Show and Clear, and on Show older while it reads', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await page.goto(`${server.url}/audit`);
    const rows = page.getByTestId('audit-record');
    await expect.poll(() => rows.count()).toBe(50);
    const hasFocus = (locator: ReturnType<typeof page.getByRole>) =>
      locator.evaluate((el) => el === el.ownerDocument.activeElement).catch(() => false);
    const press = async (locator: ReturnType<typeof page.getByRole>) => {
      await locator.focus();
      await page.keyboard.press('Enter');
    };

    await page.getByLabel('Patient').selectOption({ label: 'Alex Morgan' });
    await page.getByLabel('Person').selectOption({ label: 'Dr. Maya Okafor' });
    const showButton = page.getByRole('button', { name: 'Show', exact: true });
    await press(showButton);
    await expect.poll(() => new URL(page.url()).searchParams.get('person')).not.toBeNull();
    // The form is built again for the new address; focus is on its Show button.
    await expect.poll(() => hasFocus(showButton)).toBe(true);

    // Reading the last page, the button goes: focus stays on the words in its place.
    await press(page.getByRole('button', { name: 'Show older' }));
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(55);
    await expect.poll(() => hasFocus(page.getByTestId('older-end'))).toBe(true);

    await press(page.getByRole('button', { name: 'Clear' }));
    await expect.poll(() => new URL(page.url()).searchParams.get('person')).toBeNull();
    await expect.poll(() => hasFocus(page.getByLabel('Patient'))).toBe(true);

    // Reading a page, the button keeps focus (or the words in its place take it).
    await press(page.getByRole('button', { name: 'Show older' }));
    await expect.poll(() => rows.count()).toBeGreaterThan(50);
    await expect
      .poll(() =>
        page.evaluate<string>('document.activeElement?.getAttribute("data-testid") ?? "BODY"'),
      )
      .toMatch(/^(show-older|older-end)$/);
    await context.close();
  });

  it('shows every part of a record on a phone, without scrolling sideways', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator', {
      viewport: { width: 360, height: 780 },
    });
    await page.goto(`${server.url}/audit`);
    const first = page.getByTestId('audit-record').first();
    // The audit trail is read and checked on the server first: on a busy machine, over a second.
    await expect
      .poll(() => page.getByTestId('audit-record').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    const sideways = await page
      .getByTestId('audit-records')
      .evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
    expect(sideways).toBeLessThanOrEqual(0);
    // Each value sits inside the screen, after its name.
    for (const cell of await first.locator('td').all()) {
      const box = (await cell.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(360);
    }
    expect(await first.locator('td[data-label="Outcome"]').textContent()).toContain('success');
    await screenshot(page, 'audit-trail-phone');
    await context.close();
  });

  it('is not offered to a prescriber, and refuses them', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'prescriber');
    expect(await page.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    await page.goto(`${server.url}/audit`);
    await expect.poll(() => page.getByTestId('page-error').getAttribute('data-status')).toBe('403');
    await context.close();
  });
});
