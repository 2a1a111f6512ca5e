import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  DOSE_UNITS,
  MEDICATION_FREQUENCIES,
  type CaseBrief,
  type ConferenceView,
  type Proposal,
} from '@tandem/shared';
import { loginAs } from '../helpers/api.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { startNetworkProxy } from '../helpers/proxy.ts';
import { dismissDialogs, screenshot, signedInContext } from '../helpers/web.ts';
import {
  addPatient,
  createConference,
  north,
  ok,
  planOf,
  unique,
  type Signed,
} from '../integration/conference/helpers.ts';

let browser: Browser;
let server: TestServer;
let coordinator: Signed;
let teamId: string;
let plans: { alex: string; riley: string };

beforeAll(async () => {
  server = await startTestServer({ web: true, seedDemo: true });
  const n = await north(server.url);
  coordinator = n.coordinator;
  teamId = n.teamId;
  const riley = await addPatient(server.url, coordinator, teamId, 'Riley Chen');
  plans = { alex: await planOf(coordinator, 'Alex Morgan'), riley: riley.planId };
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function scheduledConference(scheduledAt = Date.now() + 60_000): Promise<ConferenceView> {
  return createConference(coordinator, {
    teamId,
    title: unique('Tuesday case conference'),
    scheduledAt: new Date(scheduledAt).toISOString(),
    cases: [
      {
        planId: plans.alex,
        reason: 'Sleep worse since the dose change',
        timeBoxMinutes: 10,
        patientInvited: true,
      },
      { planId: plans.riley, reason: 'Therapy goals review', timeBoxMinutes: 15 },
    ],
  });
}

async function liveConference(scheduledAt?: number): Promise<ConferenceView> {
  const created = await scheduledConference(scheduledAt);
  return ok(await coordinator.post<ConferenceView>(`/conferences/${created.id}/start`), 'start');
}

const currentCase = (page: Page) => page.getByTestId('current-case').textContent();
const currentSection = (page: Page) => page.getByTestId('case-brief').getAttribute('data-section');

describe('a live case conference in the browser', () => {
  it("takes the follower's page wherever the host goes", async () => {
    const conf = await liveConference();
    const host = await signedInContext(browser, server.url, 'coordinator');
    const follower = await signedInContext(browser, server.url, 'prescriber');
    for (const { page } of [host, follower]) {
      await page.goto(`${server.url}/conferences/${conf.id}`);
      await expect.poll(() => currentCase(page)).toBe('Alex Morgan');
    }
    // Both are in the room before the host moves.
    await expect
      .poll(() => host.page.getByTestId('participant').count(), { timeout: 10_000 })
      .toBe(2);

    await host.page.getByTestId('agenda-case').filter({ hasText: 'Riley Chen' }).click();
    await expect.poll(() => currentCase(follower.page)).toBe('Riley Chen');
    await host.page.getByTestId('section-medications').click();
    await expect.poll(() => currentSection(follower.page)).toBe('medications');
    await screenshot(follower.page, 'conference-follower');

    // The follower looks elsewhere on their own, then rejoins the host.
    await follower.page.getByRole('button', { name: 'Stop following' }).click();
    await follower.page.getByTestId('section-goals').click();
    await host.page.getByTestId('agenda-case').filter({ hasText: 'Alex Morgan' }).click();
    await expect.poll(() => currentCase(host.page)).toBe('Alex Morgan');
    expect(await currentCase(follower.page)).toBe('Riley Chen');
    expect(await currentSection(follower.page)).toBe('goals');
    await follower.page.getByRole('button', { name: 'Follow presenter' }).click();
    await expect.poll(() => currentCase(follower.page)).toBe('Alex Morgan');

    // The room reviews how Alex's scores have moved: each form's trend since the first.
    await host.page.getByTestId('section-checkins').click();
    await expect.poll(() => currentSection(follower.page)).toBe('checkins');
    const brief = follower.page.getByTestId('case-brief');
    await expect.poll(() => brief.getByTestId('checkin-instrument').count()).toBe(2);
    expect(await brief.getByTestId('checkin-progress').allTextContents()).toEqual([
      expect.stringMatching(/^18 → 9, down 50\s%: response/),
      expect.stringMatching(/^15 → 8, down 47\s%/),
    ]);

    await screenshot(host.page, 'conference-host');
    await host.context.close();
    await follower.context.close();
  });

  it('captures minutes, a decision and an action item, ends, and prints the minutes', async () => {
    const conf = await liveConference();
    const host = await signedInContext(browser, server.url, 'coordinator');
    const page = host.page;
    await page.goto(`${server.url}/conferences/${conf.id}`);
    await expect.poll(() => currentCase(page)).toBe('Alex Morgan');

    await page.getByLabel('Minutes for Alex Morgan').fill('Sleep is better; mornings still low.');
    await page.getByLabel('Decision', { exact: true }).fill('Add a sleep diary for two weeks');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await expect
      .poll(() => page.getByTestId('decisions').textContent())
      .toContain('Add a sleep diary for two weeks');
    await page.getByLabel('What needs doing').fill('Send the sleep diary template');
    await page.getByLabel('Owner').selectOption({ label: 'Dr. Maya Okafor' });
    await page.getByLabel('Due').fill('2030-03-01');
    await page.getByRole('button', { name: 'Add action item' }).click();
    await expect
      .poll(() => page.getByTestId('action-items').textContent())
      .toContain('Send the sleep diary template');
    // The typed minutes are saved before the conference ends.
    await expect
      .poll(async () => {
        const res = await coordinator.get<{ cases: { discussion: string }[] }>(
          `/conferences/${conf.id}/minutes`,
        );
        return res.body.cases[0]?.discussion;
      })
      .toBe('Sleep is better; mornings still low.');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'End conference' }).click();
    await expect.poll(() => page.getByTestId('conference-status').textContent()).toContain('Ended');
    await page.getByRole('link', { name: 'Minutes' }).click();
    const sheet = page.getByTestId('minutes');
    await expect.poll(() => sheet.textContent()).toContain('Sleep is better; mornings still low.');
    const text = (await sheet.textContent())!;
    expect(text).toContain('Add a sleep diary for two weeks');
    expect(text).toContain('Send the sleep diary template');
    expect(text).toContain('Jordan Lee');
    await screenshot(page, 'conference-minutes');

    // The owner finds the action item on their dashboard.
    const owner = await signedInContext(browser, server.url, 'prescriber');
    await expect
      .poll(() => owner.page.getByTestId('my-action-items').textContent())
      .toContain('Send the sleep diary template');
    await host.context.close();
    await owner.context.close();
  });

  it('keeps minutes typed without a connection on the device through a closed tab, and saves them on return', async () => {
    const conf = await liveConference();
    const network = await startNetworkProxy(server.url);
    const host = await signedInContext(browser, network.url, 'coordinator');
    const page = host.page;
    await page.goto(`${network.url}/conferences/${conf.id}`);
    await expect.poll(() => currentCase(page)).toBe('Alex Morgan');
    // The note sits beside the editor: with the editor on the page, no note means loaded.
    await page.getByTestId('minutes-editor').waitFor();
    await expect.poll(() => page.getByText('Loading the minutes').count()).toBe(0);

    network.cut();
    await expect
      .poll(() => page.getByText('Offline — your typing is kept').count(), { timeout: 15_000 })
      .toBe(1);
    const typed = 'Typed while the network was down.';
    await page.getByLabel('Minutes for Alex Morgan').fill(typed);
    await expect
      .poll(() => page.getByTestId('minutes-offline').textContent())
      .toContain('kept on this device');
    const asked: string[] = [];
    dismissDialogs(page, asked);
    // The device keeps the typing: closing the tab asks nothing.
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => page.isClosed(), { timeout: 10_000 }).toBe(true);
    expect(asked).toEqual([]);

    network.restore();
    const again = await host.context.newPage();
    await again.goto(`${network.url}/conferences/${conf.id}`);
    await expect
      .poll(() => again.getByTestId('minutes-restored').count(), { timeout: 20_000 })
      .toBe(1);
    await expect
      .poll(
        async () => {
          const res = await coordinator.get<{ cases: { discussion: string }[] }>(
            `/conferences/${conf.id}/minutes`,
          );
          return res.body.cases[0]?.discussion;
        },
        { timeout: 20_000 },
      )
      .toBe(typed);
    expect(await again.getByLabel('Minutes for Alex Morgan').inputValue()).toBe(typed);
    // Read, the notice goes.
    await again.getByTestId('minutes-restored').getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => again.getByTestId('minutes-restored').count()).toBe(0);
    await host.context.close();
  });

  it('shows an invited patient their own case only', async () => {
    // Scheduled before the others of this file, so it is the invitation the patient sees first.
    const conf = await liveConference(Date.now() - 3_600_000);
    const patient = await signedInContext(browser, server.url, 'patient');
    // The invitation is the patient's way in.
    await patient.page.getByTestId('conference-invitation').click();
    await expect.poll(() => new URL(patient.page.url()).pathname).toBe(`/conferences/${conf.id}`);
    await expect.poll(() => currentCase(patient.page)).toBe('Alex Morgan');
    expect(await patient.page.getByTestId('agenda-case').allTextContents()).toEqual([
      expect.stringContaining('Alex Morgan'),
    ]);
    expect(await patient.page.getByText('Riley Chen').count()).toBe(0);
    // Minutes are theirs to read, not to write; there is nothing to record.
    await expect
      .poll(() => patient.page.getByTestId('minutes-editor').getAttribute('readonly'))
      .not.toBeNull();
    expect(await patient.page.getByRole('button', { name: 'Record decision' }).count()).toBe(0);
    await expect.poll(() => patient.page.getByText('Loading the minutes…').count()).toBe(0);
    await screenshot(patient.page, 'conference-patient');
    await patient.context.close();
  });
});

describe('a conference seen by each role', () => {
  it('asks only those who cannot start a scheduled conference to wait for it', async () => {
    const conf = await scheduledConference();
    const host = await signedInContext(browser, server.url, 'coordinator');
    await host.page.goto(`${server.url}/conferences/${conf.id}`);
    await host.page.getByRole('button', { name: 'Start conference' }).waitFor();
    expect(await host.page.getByText('Waiting for the care coordinator').count()).toBe(0);
    await screenshot(host.page, 'conference-scheduled-host');

    const therapist = await signedInContext(browser, server.url, 'therapist');
    await therapist.page.goto(`${server.url}/conferences/${conf.id}`);
    await expect
      .poll(() => therapist.page.getByText('Waiting for the care coordinator to start').count())
      .toBe(1);
    expect(await therapist.page.getByRole('button', { name: 'Start conference' }).count()).toBe(0);
    await host.context.close();
    await therapist.context.close();
  });

  it("proposes a medication change in the plan's own units and frequencies, from the current order", async () => {
    const conf = await liveConference();
    const { context, page } = await signedInContext(browser, server.url, 'therapist');
    await page.goto(`${server.url}/conferences/${conf.id}`);
    await expect.poll(() => currentCase(page)).toBe('Alex Morgan');

    const decision = unique('Raise sertraline: mornings are still low');
    await page.getByLabel('Decision', { exact: true }).fill(decision);
    expect(
      await page.locator('label', { hasText: 'This changes medication' }).textContent(),
    ).toMatch(/\(sent to the prescriber as a proposal\)/);
    await page.getByLabel('This changes medication').check();
    const medication = page.getByLabel('Medication', { exact: true });
    const sertraline = await medication
      .locator('option', { hasText: 'Sertraline' })
      .getAttribute('value');
    await medication.selectOption(sertraline!);

    // The choices of the plan's medication editor, starting from what Alex takes now.
    const dose = page.getByLabel('Dose', { exact: true });
    const unit = page.getByLabel('Unit', { exact: true });
    const frequency = page.getByLabel('Frequency', { exact: true });
    const offered = (select: typeof unit) =>
      select
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(await offered(unit)).toEqual([...DOSE_UNITS]);
    expect(await offered(frequency)).toEqual([...MEDICATION_FREQUENCIES]);
    expect([
      await dose.inputValue(),
      await unit.inputValue(),
      await frequency.inputValue(),
    ]).toEqual(['50', 'mg', 'once daily']);
    await dose.fill('100');
    await frequency.selectOption('twice daily');
    await screenshot(page, 'conference-medication-decision');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await expect
      .poll(() => page.getByTestId('decisions').textContent())
      .toContain('Proposed to the prescriber');

    // Only what changed is proposed, in the plan's words.
    const proposals = ok(
      await coordinator.get<Proposal[]>(`/plans/${plans.alex}/proposals`),
      'proposals',
    );
    const proposal = proposals.find((p) => p.rationale === decision);
    expect(proposal?.change).toEqual({
      kind: 'change',
      medicationId: sertraline,
      dose: 100,
      frequency: 'twice daily',
    });
    expect(proposal?.summary).toBe('Sertraline 50 mg → 100 mg, once daily → twice daily');
    await context.close();
  });

  it('refuses a medication decision in words the plan does not use, and records nothing', async () => {
    const conf = await liveConference();
    const therapist = await loginAs(server.url, 'therapist');
    const caseId = conf.cases[0]!.id;
    const brief = ok(
      await therapist.get<CaseBrief>(`/conferences/${conf.id}/cases/${caseId}/brief`),
      'brief',
    );
    const sertraline = brief.snapshot.medications?.find((m) => m.name === 'Sertraline');
    const decision = unique('Sertraline daily');
    for (const medicationChange of [
      // As the free-text form once sent it: "once daily → daily".
      { kind: 'change', medicationId: sertraline!.id, dose: 150, frequency: 'daily' },
      { kind: 'start', name: 'Melatonin', dose: 3, unit: 'mg', frequency: 'daily' },
      { kind: 'start', name: 'Melatonin', dose: 3, unit: 'spoon', frequency: 'at bedtime' },
    ]) {
      const res = await therapist.post(`/conferences/${conf.id}/cases/${caseId}/decisions`, {
        text: decision,
        medicationChange,
      });
      expect(res.status, JSON.stringify(medicationChange)).toBe(400);
    }
    const proposals = ok(
      await coordinator.get<Proposal[]>(`/plans/${plans.alex}/proposals`),
      'proposals',
    );
    expect(proposals.filter((p) => p.rationale === decision)).toEqual([]);
  });

  it('tells the prescriber that a medication decision waits for her under Medications', async () => {
    const conf = await liveConference();
    const { context, page } = await signedInContext(browser, server.url, 'prescriber');
    await page.goto(`${server.url}/conferences/${conf.id}`);
    await expect.poll(() => currentCase(page)).toBe('Alex Morgan');

    const decision = unique('Melatonin for sleep');
    await page.getByLabel('Decision', { exact: true }).fill(decision);
    const wording = await page
      .locator('label', { hasText: 'This changes medication' })
      .textContent();
    expect(wording).toMatch(/Proposed changes under Medications,\s+for you to accept or\s+decline/);
    expect(wording).not.toContain('sent to the prescriber');
    await page.getByLabel('This changes medication').check();
    await page.getByLabel('Change', { exact: true }).selectOption('start');
    await page.getByLabel('Medication', { exact: true }).fill('Melatonin');
    await page.getByLabel('Dose', { exact: true }).fill('3');
    await page.getByLabel('Frequency', { exact: true }).selectOption('at bedtime');
    await screenshot(page, 'conference-prescriber-decision');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await expect
      .poll(() => page.getByTestId('decisions').textContent())
      .toContain('Proposed to the prescriber');

    // Where the wording says: Proposed changes, under the plan's Medications.
    await page.goto(`${server.url}/plans/${plans.alex}`);
    await expect
      .poll(
        () =>
          page
            .getByTestId('proposals')
            .getByTestId('open-proposal')
            .filter({ hasText: 'Started Melatonin 3 mg at bedtime' })
            .count(),
        { timeout: 15_000 },
      )
      .toBe(1);
    await context.close();
  });
});

describe('a conference with the keyboard', () => {
  /** The focused element's id, or BODY when focus fell to the page. */
  const focusedId = (page: Page) =>
    page.evaluate<string>(
      'document.activeElement === document.body ? "BODY" : (document.activeElement?.id ?? "")',
    );
  const isFocused = (page: Page, locator: ReturnType<Page['getByRole']>) =>
    locator.evaluate((el) => el === el.ownerDocument.activeElement).catch(() => false);
  const press = async (page: Page, locator: ReturnType<Page['getByRole']>) => {
    await locator.focus();
    await page.keyboard.press('Enter');
  };

  it('schedules with focus on the new form, the new case and the button left after a removal', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await page.goto(`${server.url}/conferences`);
    const schedule = page.getByRole('button', { name: 'Schedule a conference' });
    await press(page, schedule);
    await expect.poll(() => focusedId(page)).toBe('title');

    const addCase = page.getByRole('button', { name: 'Add a case' });
    await press(page, addCase);
    await expect.poll(() => focusedId(page)).toMatch(/^plan-\d+$/);
    // Until every patient of the team is on the agenda, then the button is disabled.
    for (let i = 0; i < 10 && (await addCase.isEnabled()); i++) {
      await press(page, addCase);
      await expect.poll(() => focusedId(page)).toMatch(/^plan-\d+$/);
    }
    expect(await addCase.isEnabled()).toBe(false);

    await press(page, page.getByRole('button', { name: 'Remove case 1' }));
    await expect.poll(() => isFocused(page, addCase)).toBe(true);

    await press(page, page.getByRole('button', { name: 'Cancel' }));
    await expect.poll(() => isFocused(page, schedule)).toBe(true);
    await context.close();
  });

  it('keeps the presenter on one timer button from start to pause, and on the decision after recording it', async () => {
    const conf = await scheduledConference();
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await page.goto(`${server.url}/conferences/${conf.id}`);
    await press(page, page.getByRole('button', { name: 'Start conference' }));
    const timer = page.getByRole('button', { name: 'Start timer' });
    await expect.poll(() => isFocused(page, timer)).toBe(true);

    // Enter starts, and Enter again on the same button pauses.
    await page.keyboard.press('Enter');
    const pause = page.getByRole('button', { name: 'Pause timer' });
    await expect.poll(() => isFocused(page, pause)).toBe(true);
    await page.keyboard.press('Enter');
    const resume = page.getByRole('button', { name: 'Resume timer' });
    await expect.poll(() => isFocused(page, resume)).toBe(true);
    await press(page, page.getByRole('button', { name: 'Reset' }));
    await expect.poll(() => isFocused(page, timer)).toBe(true);

    const decision = page.getByLabel('Decision', { exact: true });
    await decision.fill('Review the sleep diary next week');
    await press(page, page.getByRole('button', { name: 'Record decision' }));
    await expect
      .poll(() => page.getByTestId('decisions').textContent())
      .toContain('Review the sleep diary next week');
    await expect
      .poll(() => decision.evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true);
    expect(await decision.inputValue()).toBe('');
    await context.close();
  });
});
