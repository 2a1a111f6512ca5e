import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CreatePatientResponse, PlanListItem, TeamSummary } from '@tandem/shared';
import { demoPlans, loginAs } from '../helpers/api.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { readPlanSnapshot } from '@tandem/server/plans/content.ts';
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

/** Slow machines: the dashboard and the plan each load over several requests. */
const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

async function dashboard(
  who: 'prescriber' | 'therapist' | 'coordinator',
  viewport = { width: 1280, height: 900 },
  plans = 1,
): Promise<Page> {
  const { context, page } = await signedInContext(browser, server.url, who, { viewport });
  contexts.push(context);
  await eventually(() => page.getByTestId('plan-card').count()).toBe(plans);
  return page;
}

/** Text as read, with the non-breaking spaces that keep "1 goal" together read as spaces. */
const tasks = async (page: Page) =>
  (await page.getByTestId('plan-task').allTextContents()).map((t) => t.replace(/\s+/g, ' '));
const standing = async (page: Page) =>
  ((await page.getByTestId('plan-standing').textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('the dashboard', () => {
  it('says what each plan asks of the person, and each task opens where it is done', async () => {
    const [therapist, patient] = await Promise.all([
      loginAs(server.url, 'therapist'),
      loginAs(server.url, 'patient'),
    ]);
    const quiet = await dashboard('prescriber');
    // Alex's newest check-in scores close the line (the demo's history, its safety answer followed up).
    expect(await standing(quiet)).toBe('No version saved yet · PHQ-9 9 · GAD-7 8');
    expect(await tasks(quiet)).toEqual([]);
    expect(await quiet.getByTestId('plans-waiting').count()).toBe(0);
    await quiet.context().close();

    await therapist.post(`/plans/${planId}/versions`, { label: 'After intake' });
    const [sertraline] = (await readPlanSnapshot(server.tandem.ctx, planId)).medications ?? [];
    await therapist.post(`/plans/${planId}/proposals`, {
      change: { kind: 'change', medicationId: sertraline!.id, dose: 100 },
      rationale: 'Partial response at six weeks.',
    });
    await patient.post(`/plans/${planId}/comments`, {
      goalId: 'goal-sleep',
      body: 'Is it normal to wake at 4?',
    });

    const page = await dashboard('prescriber');
    expect(await standing(page)).toBe(
      'Version 1 “After intake”, not signed yet · 1 open comment · PHQ-9 9 · GAD-7 8',
    );
    expect(await tasks(page)).toEqual([
      'Sign version 1',
      'Decide 1 proposed medication change',
      'Alex waits for an answer on 1 goal',
    ]);
    expect(await page.getByTestId('plans-waiting').textContent()).toBe('1 plan needs you');
    // The link to the plan is described by where the plan stands, for a screen reader.
    const describedBy = await page.getByTestId('plan-link').getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(
      await page.getByTestId('plan-standing').textContent(),
    );
    await screenshot(page, 'dashboard-prescriber-tasks');

    await page.getByRole('link', { name: 'Sign version 1' }).click();
    await eventually(() => page.getByTestId('history-panel').isVisible()).toBe(true);
    // The drawer opened once; the address no longer asks for it.
    await eventually(() => new URL(page.url()).search).toBe('');
    await page.getByTestId('sign-version').click();
    await eventually(() => page.getByTestId('version-status').first().textContent()).toBe('Signed');

    await page.goBack();
    await eventually(() => tasks(page)).toEqual([
      'Decide 1 proposed medication change',
      'Alex waits for an answer on 1 goal',
    ]);
    expect(await standing(page)).toMatch(
      /^Version 1 signed .+ · not yet reviewed by Alex · 1 open comment · PHQ-9 9 · GAD-7 8$/,
    );
    await page.getByRole('link', { name: 'Alex waits for an answer on 1 goal' }).click();
    await eventually(() =>
      page.getByTestId('lifecycle-drawer').getByText('Is it normal to wake at 4?').isVisible(),
    ).toBe(true);

    // The therapist is asked to co-sign what the prescriber signed; the coordinator to answer Alex.
    const colleague = await dashboard('therapist');
    expect(await tasks(colleague)).toEqual([
      'Co-sign version 1',
      'Alex waits for an answer on 1 goal',
    ]);
    const coordinator = await dashboard('coordinator');
    expect(await tasks(coordinator)).toEqual(['Alex waits for an answer on 1 goal']);
  });

  it('finds a patient by name, narrows to the plans that need the reader, and keeps both on return', async () => {
    const coordinator = await loginAs(server.url, 'coordinator');
    const [team] = (await coordinator.get<TeamSummary[]>('/teams')).body.filter(
      (t) => t.name === 'North Team',
    );
    const add = (name: string, email: string) =>
      coordinator.post<CreatePatientResponse>(`/teams/${team!.id}/patients`, { name, email });
    const jamie = await add('Jamie Chen', 'jamie.chen@dash.test');
    await add('Robin Ellis', 'robin.ellis@dash.test');
    const therapist = await loginAs(server.url, 'therapist');
    await therapist.post(`/plans/${jamie.body.patient.plan!.id}/versions`, { label: 'Intake' });

    const page = await dashboard('prescriber', undefined, 3);
    const names = () => page.getByTestId('plan-link').allTextContents();
    expect(await names()).toEqual(['Alex Morgan', 'Jamie Chen', 'Robin Ellis']);

    await page.getByLabel('Find a patient').fill('chen');
    await eventually(names).toEqual(['Jamie Chen']);
    await page.getByLabel('Find a patient').fill('');
    await page.getByLabel('Only plans that need you').check();
    // Alex's plan still waits for a decision and an answer (the test before); Robin's has nothing yet.
    await eventually(names).toEqual(['Alex Morgan', 'Jamie Chen']);
    await page.getByLabel('Find a patient').fill('robin');
    expect(await page.getByTestId('no-match').textContent()).toContain(
      'No patient whose plan needs you matches “robin”.',
    );
    await page.getByLabel('Find a patient').fill('jam');
    await eventually(names).toEqual(['Jamie Chen']);
    await screenshot(page, 'dashboard-filtered');

    await page.getByRole('link', { name: 'Sign version 1' }).click();
    await eventually(() => page.getByTestId('history-panel').isVisible()).toBe(true);
    await page.goBack();
    await eventually(names).toEqual(['Jamie Chen']);
    expect(await page.getByLabel('Find a patient').inputValue()).toBe('jam');
    expect(await page.getByLabel('Only plans that need you').isChecked()).toBe(true);
  });

  it('follows the team’s work while it is open', async () => {
    const page = await dashboard('prescriber', undefined, 3);
    const robin = page.getByTestId('plan-card').filter({ hasText: 'Robin Ellis' });
    expect(await robin.getByTestId('plan-task').count()).toBe(0);
    const therapist = await loginAs(server.url, 'therapist');
    const plans = (await therapist.get<PlanListItem[]>('/plans')).body;
    const robinPlan = plans.find((p) => p.patient.name === 'Robin Ellis')!;
    await therapist.post(`/plans/${robinPlan.id}/versions`, { label: 'First draft' });
    await eventually(() => robin.getByTestId('plan-task').allTextContents()).toEqual([
      'Sign version 1',
    ]);
    expect(await page.getByTestId('plans-waiting').textContent()).toBe('3 plans need you');
  });

  it('fits a phone without cutting a task off', async () => {
    const page = await dashboard('prescriber', { width: 360, height: 780 }, 3);
    await eventually(() => tasks(page).then((t) => t.length)).toBeGreaterThan(0);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'dashboard-prescriber-phone');
  });
});
