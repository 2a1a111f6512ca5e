import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  ANSWER_OPTIONS,
  DIFFICULTY_OPTIONS,
  QUESTIONNAIRES,
  type CreatePatientResponse,
} from '@tandem/shared';
import { demoPlans, loginAs, loginWithFirstPassword } from '../helpers/api.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import {
  deviceRecords,
  dismissDialogs,
  screenshot,
  signedInContext,
  signInWithEmail,
  withoutDeviceStorage,
} from '../helpers/web.ts';

let browser: Browser;
let server: TestServer;
let plans: { north: string; south: string };
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer({ web: true, seedDemo: true });
  plans = await demoPlans(server.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

const PHONE = { width: 390, height: 844 };
const SMALL_PHONE = { width: 360, height: 780 };
const DESK = { width: 1400, height: 900 };

/** Live updates cross several browsers and the server on a shared, often busy machine. */
const eventually = <T>(fn: () => T | Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout });

/** Text as read: the non-breaking spaces that keep "50 %" together read as spaces. */
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

const sidewaysScroll = (page: Page) =>
  page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );

async function signIn(
  who: Parameters<typeof signedInContext>[2],
  viewport: { width: number; height: number },
): Promise<Page> {
  const { context, page } = await signedInContext(browser, server.url, who, { viewport });
  contexts.push(context);
  return page;
}

/** A plan open and loaded: the patient's view with its check-ins, or the care team's workspace. */
async function openPlan(
  who: Parameters<typeof signedInContext>[2],
  planId: string,
  viewport = DESK,
  { deviceStorage = true } = {},
): Promise<Page> {
  const page = await signIn(who, viewport);
  if (!deviceStorage) await withoutDeviceStorage(page.context());
  await page.goto(`${server.url}/plans/${planId}`);
  if (who === 'patient' || who === 'patient2') {
    await eventually(() => page.getByTestId('checkin-summary').count(), 30_000).toBe(2);
  } else {
    await eventually(() => page.getByTestId('save-state').getAttribute('data-state'), 30_000).toBe(
      'saved',
    );
    await eventually(() => page.getByTestId('checkin-instrument').count()).toBe(2);
  }
  return page;
}

async function dashboard(who: 'prescriber' | 'prescriber2'): Promise<Page> {
  const page = await signIn(who, { width: 1280, height: 900 });
  await eventually(() => page.getByTestId('plan-card').count()).toBe(1);
  return page;
}
const tasks = async (page: Page) =>
  (await page.getByTestId('plan-task').allTextContents()).map((t) => t.replace(/\s+/g, ' '));

/** Picks an answer to each question of the open form, by the words on its buttons. */
async function answer(page: Page, answers: number[]): Promise<void> {
  const items = page.getByTestId('checkin-item');
  for (const [i, a] of answers.entries()) {
    await items.nth(i).getByRole('radio', { name: ANSWER_OPTIONS[a]!, exact: true }).check();
  }
}

const card = (page: Page, instrument: 'phq9' | 'gad7') =>
  page.getByTestId('patient-checkins').locator(`[data-instrument=${instrument}]`);
const panel = (page: Page, instrument: 'phq9' | 'gad7') =>
  page.locator(`section#checkins [data-testid=checkin-instrument][data-instrument=${instrument}]`);

describe('a mood check-in with thoughts of self-harm', () => {
  it('warns the patient at once, reaches the care team live, and their follow-up reaches the patient', async () => {
    const prescriber = await dashboard('prescriber');
    expect(await tasks(prescriber)).toEqual([]);
    expect(await text(prescriber.getByTestId('plan-standing'))).toBe(
      'No version saved yet · PHQ-9 9 · GAD-7 8',
    );

    // The therapist has the plan open: the seeded history, its safety answer followed up.
    const therapist = await openPlan('therapist', plans.north);
    const phq9 = panel(therapist, 'phq9');
    expect(await text(phq9.getByTestId('checkin-latest'))).toBe('9/27 Mild');
    expect(await text(phq9.getByTestId('checkin-progress'))).toMatch(
      /^18 → 9, down 50 %: response since /,
    );
    expect(await text(panel(therapist, 'gad7').getByTestId('checkin-progress'))).toMatch(
      /^15 → 8, down 47 % since /,
    );
    expect(await phq9.getByTestId('checkin-row').count()).toBe(5);
    expect(await phq9.getByTestId('checkin-chart-svg').getAttribute('aria-label')).toMatch(
      /^PHQ-9 scores over time, out of 27: .+ 18 \(moderately severe\), .+ 9 \(mild\)\.$/,
    );
    expect(await text(phq9.getByTestId('safety-follow-up'))).toContain(
      'Followed up by Dr. Maya Okafor',
    );
    expect(await therapist.getByTestId('safety-alert').count()).toBe(0);
    const coordinator = await openPlan('coordinator', plans.north);

    // The patient, on a phone, starts a mood check-in from their plan.
    const patient = await openPlan('patient', plans.north, PHONE);
    // Alex's newest check-ins are 12 days old: nothing is due yet.
    expect(await patient.getByTestId('checkin-due').count()).toBe(0);
    expect(await text(card(patient, 'phq9').getByTestId('checkin-score'))).toMatch(
      /^Your mood check-in on .+: 9 of 27 — mild$/,
    );
    await card(patient, 'phq9').getByRole('link', { name: 'Start a mood check-in' }).click();
    await eventually(() => patient.getByTestId('checkin-form').count()).toBe(1);
    expect(await patient.getByRole('heading', { level: 1 }).textContent()).toBe('Mood check-in');
    expect(await patient.getByText(QUESTIONNAIRES.phq9.stem).isVisible()).toBe(true);

    const send = patient.getByTestId('submit-checkin');
    await answer(patient, [2, 2, 1, 2, 1, 1, 1, 0]);
    expect(await text(patient.getByTestId('checkin-count'))).toBe(
      '8 of 9 answered — answer all 9 to send',
    );
    expect(await send.isDisabled()).toBe(true);
    expect(await patient.getByTestId('crisis-box').count()).toBe(0);

    // An answer above "Not at all" to item 9 brings up the crisis box before anything is sent.
    const item9 = patient.getByRole('group', { name: /better off dead or of hurting yourself/ });
    await item9.getByRole('radio', { name: 'Several days' }).check();
    const crisis = patient.getByTestId('crisis-box');
    await eventually(() => crisis.isVisible()).toBe(true);
    expect(await text(crisis)).toContain(
      'If you might act on these thoughts, call 911 or go to the nearest emergency room now. You can call or text 988, the Suicide & Crisis Lifeline, at any time.',
    );
    expect(await crisis.getByRole('link', { name: '988' }).getAttribute('href')).toBe('tel:988');
    expect(await text(patient.getByTestId('checkin-count'))).toBe('9 of 9 answered');
    await crisis.scrollIntoViewIfNeeded();
    await patient.screenshot(shotPath('checkin-phone-crisis'));

    await send.click();
    const result = patient.getByTestId('checkin-result');
    await eventually(() => result.count()).toBe(1);
    // Sent, the answers are no longer kept on the phone.
    await eventually(() => deviceRecords(patient)).toEqual([]);
    expect(await text(result.getByTestId('result-score'))).toBe('11 of 27 — moderate');
    expect(await text(result.getByTestId('result-change'))).toMatch(
      /^2 higher than your last one on .+ \(9 of 27\)\. Lower is better\.$/,
    );
    expect(await text(result.getByTestId('crisis-box'))).toContain(
      'Your care team has been told and will contact you.',
    );
    await screenshot(patient, 'checkin-phone-result');

    // The therapist sees it arrive, without reloading, at the top of the check-ins.
    const alert = therapist.getByTestId('safety-alert');
    await eventually(() => alert.count()).toBe(1);
    expect(await text(alert)).toContain('Alex Morgan answered “Several days” to item 9');
    expect(await therapist.getByTestId('safety-banner').isVisible()).toBe(true);
    expect(await text(phq9.getByTestId('checkin-latest'))).toBe('11/27 Moderate');
    expect(await phq9.getByTestId('checkin-row').count()).toBe(6);
    expect(await therapist.getByTestId('live-announcement').textContent()).toContain(
      'Alex Morgan’s mood check-in reported thoughts of self-harm: follow up.',
    );
    await alert.scrollIntoViewIfNeeded();
    await therapist.screenshot(shotPath('checkin-therapist-alert'));

    // The coordinator sees the same alert, with nothing to record.
    const coordinatorAlert = coordinator.getByTestId('safety-alert');
    await eventually(() => coordinatorAlert.count()).toBe(1);
    expect(await text(coordinatorAlert)).toContain(
      'Waiting for a prescriber or therapist to follow up',
    );
    expect(await coordinator.getByTestId('record-follow-up').count()).toBe(0);
    expect(await coordinator.locator('section#checkins').getAttribute('data-access')).toBe('read');

    // The prescriber's dashboard asks them to follow up, and shows the new score.
    await eventually(() => tasks(prescriber)).toEqual(['Follow up Alex’s check-in']);
    await eventually(() => prescriber.getByTestId('notifications-unread').textContent()).toBe('1');
    expect(await text(prescriber.getByTestId('plan-standing'))).toBe(
      'No version saved yet · PHQ-9 11 · GAD-7 8',
    );

    // Back on their plan, the patient reads that the team knows, and when the next can be done.
    await patient.getByTestId('back-to-plan').click();
    await eventually(() => card(patient, 'phq9').getByTestId('checkin-told').count()).toBe(1);
    expect(await text(card(patient, 'phq9').getByTestId('checkin-next'))).toMatch(
      /^You can do your next mood check-in tomorrow at /,
    );
    expect(await card(patient, 'phq9').getByTestId('start-checkin').count()).toBe(0);

    // The therapist records the follow-up; the alert gives way to the record of it.
    const note = 'Called Alex: passive thoughts, no plan or intent; safety plan reviewed.';
    await alert.getByTestId('record-follow-up').click();
    const field = alert.getByLabel(/How you followed up/);
    await eventually(() => field.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(
      true,
    );
    // Cancel gives focus back to the button the form took the place of.
    await alert.getByRole('button', { name: 'Cancel' }).focus();
    await therapist.keyboard.press('Enter');
    await eventually(() =>
      alert
        .getByTestId('record-follow-up')
        .evaluate((el) => el === el.ownerDocument.activeElement)
        .catch(() => false),
    ).toBe(true);
    await therapist.keyboard.press('Enter');
    await eventually(() => field.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(
      true,
    );
    expect(await alert.getByTestId('save-follow-up').isDisabled()).toBe(true);
    await field.fill(note);
    await alert.getByTestId('save-follow-up').click();
    await eventually(() => alert.count()).toBe(0);
    expect(await text(therapist.getByTestId('follow-up-recorded'))).toContain(
      'Follow-up recorded for the mood check-in',
    );
    expect(await therapist.getByTestId('safety-banner').count()).toBe(0);
    expect(await text(phq9.getByTestId('safety-follow-up').first())).toContain(
      `Followed up by Sam Rivera, LCSW`,
    );
    expect(await text(phq9.getByTestId('safety-follow-up').first())).toContain(note);
    await eventually(() => coordinator.getByTestId('safety-alert').count()).toBe(0);

    // The patient sees it live, without the team's note; the prescriber's task is gone.
    const followed = card(patient, 'phq9').getByTestId('checkin-followed-up');
    await eventually(() => followed.count()).toBe(1);
    expect(await text(followed)).toMatch(/Your care team followed up on /);
    expect(await patient.getByTestId('patient-plan').textContent()).not.toContain(note);
    await card(patient, 'phq9').screenshot(shotPath('checkin-phone-followed-up'));
    await eventually(() => tasks(prescriber)).toEqual([]);
    // Their open bell turns the alert into news of the follow-up, still one unread.
    await prescriber.getByTestId('notifications-toggle').click();
    await eventually(async () =>
      (await prescriber.getByTestId('notification').allTextContents()).map((t) =>
        t
          .replace(/\s+/g, ' ')
          .replace(/ (just now|\d+ min ago)$/, '')
          .trim(),
      ),
    ).toEqual([
      'Sam Rivera, LCSW followed up Alex Morgan’s mood check-in (unread)',
      'Alex Morgan’s mood check-in reported thoughts of self-harm: follow up',
    ]);
    expect(await prescriber.getByTestId('notifications-unread').textContent()).toBe('1');
  });

  it('opens the check-ins from the notification', async () => {
    // The therapist's follow-up settled the prescriber's alert and told them who did it.
    const page = await signIn('prescriber', { width: 1280, height: 900 });
    await eventually(() => page.getByTestId('notifications-unread').textContent()).toBe('1');
    await page.getByTestId('notifications-toggle').click();
    const items = page.getByTestId('notification');
    expect(await text(items.nth(0))).toMatch(
      /^Sam Rivera, LCSW followed up Alex Morgan’s mood check-in \(unread\)/,
    );
    const alert = await text(items.nth(1));
    expect(alert).toMatch(/^Alex Morgan’s mood check-in reported thoughts of self-harm: follow up/);
    expect(alert).not.toContain('(unread)');
    const item = items.first();
    await item.click();
    await eventually(() => new URL(page.url()).pathname).toBe(`/plans/${plans.north}`);
    // The section's title takes the focus once the check-ins are in, and the address lets go.
    await eventually(() => page.evaluate<string>('document.activeElement?.id ?? ""')).toBe(
      'checkins-title',
    );
    expect(new URL(page.url()).search).toBe('');
    // And on screen, once all the page loads has come in.
    await page.waitForLoadState('networkidle');
    const box = await page.locator('#checkins-title').boundingBox();
    expect(box && box.y >= 0 && box.y < 900).toBe(true);
  });
});

describe('an anxiety check-in', () => {
  it('asks before leaving a form with answers that are not sent, where the device cannot keep them', async () => {
    const casey = await openPlan('patient2', plans.south, PHONE, { deviceStorage: false });
    await card(casey, 'gad7')
      .getByRole('link', { name: /anxiety check-in/ })
      .click();
    await eventually(() => casey.getByTestId('checkin-form').count()).toBe(1);
    // Nothing answered yet: leaving asks nothing.
    const asked: string[] = [];
    casey.on('dialog', (d) => {
      asked.push(d.message());
      void (asked.length === 1 ? d.dismiss() : d.accept());
    });
    const back = casey.getByRole('link', { name: '← Your plan' });
    await back.click();
    await eventually(() => casey.getByTestId('patient-checkins').count()).toBe(1);
    expect(asked).toEqual([]);

    await card(casey, 'gad7')
      .getByRole('link', { name: /anxiety check-in/ })
      .click();
    await eventually(() => casey.getByTestId('checkin-form').count()).toBe(1);
    await answer(casey, [1, 2]);
    // Staying keeps the answers; leaving drops them.
    await back.click();
    await eventually(() => asked.length).toBe(1);
    expect(asked[0]).toBe(
      'Your answers are not sent yet. If you leave, they will be lost. Leave anyway?',
    );
    expect(await text(casey.getByTestId('checkin-count'))).toMatch(/^2 of 7 answered/);
    await back.click();
    await eventually(() => casey.getByTestId('patient-checkins').count()).toBe(1);
    expect(asked).toHaveLength(2);
  });

  it('asks before closing the tab on answers that are not sent, where the device cannot keep them', async () => {
    const casey = await openPlan('patient2', plans.south, PHONE, { deviceStorage: false });
    await casey.goto(`${server.url}/plans/${plans.south}/check-in/phq9`);
    await eventually(() => casey.getByTestId('checkin-form').count()).toBe(1);
    const asked: string[] = [];
    dismissDialogs(casey, asked);
    await answer(casey, [0, 1, 0]);
    // The browser asks in its own words; staying keeps the page and its answers.
    await casey.close({ runBeforeUnload: true });
    await eventually(() => asked).toEqual(['beforeunload']);
    expect(casey.isClosed()).toBe(false);
    expect(await text(casey.getByTestId('checkin-count'))).toMatch(/^3 of 9 answered/);
  });

  it('keeps half-given answers on the device through a closed tab, until the patient starts over', async () => {
    const casey = await openPlan('patient2', plans.south, PHONE);
    const context = casey.context();
    const form = `${server.url}/plans/${plans.south}/check-in/phq9`;
    const asked: string[] = [];
    dismissDialogs(casey, asked);
    await casey.goto(form);
    await eventually(() => casey.getByTestId('checkin-form').count()).toBe(1);
    expect(await casey.getByTestId('checkin-draft-restored').count()).toBe(0);
    await answer(casey, [0, 1, 0]);
    await eventually(() => casey.getByTestId('checkin-form').getAttribute('data-draft')).toBe(
      'kept',
    );
    // Sealed on the device.
    const records = await deviceRecords(casey);
    expect(records.map((r) => r.doc)).toEqual([`check-in:${plans.south}:phq9`]);
    expect(records[0]!.text).not.toContain('"answers"');

    // Leaving by a link and closing the tab ask nothing: the answers are on the device.
    await casey.getByRole('link', { name: '← Your plan' }).click();
    await eventually(() => casey.getByTestId('patient-checkins').count()).toBe(1);
    await casey.close({ runBeforeUnload: true });
    await eventually(() => casey.isClosed()).toBe(true);
    expect(asked).toEqual([]);

    const again = await context.newPage();
    dismissDialogs(again, asked);
    await again.goto(form);
    const restored = again.getByTestId('checkin-draft-restored');
    await eventually(() => restored.count()).toBe(1);
    expect(await text(restored)).toMatch(
      /^Your answers from .+ are back\. Check them, then send\./,
    );
    expect(await text(again.getByTestId('checkin-count'))).toMatch(/^3 of 9 answered/);
    const second = again.getByRole('group', {
      name: new RegExp(QUESTIONNAIRES.phq9.items[1]!.slice(0, 30)),
    });
    expect(await second.getByRole('radio', { name: 'Several days' }).isChecked()).toBe(true);
    await screenshot(again, 'checkin-draft-restored');
    expect(await seriousViolations(again)).toEqual([]);

    // Starting over forgets them on the device too.
    await restored.getByRole('button', { name: 'Start over' }).click();
    expect(await text(again.getByTestId('checkin-count'))).toMatch(/^0 of 9 answered/);
    await eventually(() => deviceRecords(again)).toEqual([]);
    await again.reload();
    await eventually(() => again.getByTestId('checkin-form').count()).toBe(1);
    expect(await again.getByTestId('checkin-draft-restored').count()).toBe(0);
    expect(asked).toEqual([]);
  });

  it('takes a first GAD-7 without a crisis box, and the prescriber reads it as a baseline', async () => {
    const patient = await openPlan('patient2', plans.south, PHONE);
    // Near the top of the plan, before the goals: both forms are due, none done yet.
    const due = patient.getByTestId('checkin-due');
    expect(await due.getByRole('link').allTextContents()).toEqual([
      'Start a mood check-in',
      'Start an anxiety check-in',
    ]);
    expect(
      await due.evaluate(
        (el) => !!(el.compareDocumentPosition(el.ownerDocument.getElementById('your-goals')!) & 4),
      ),
    ).toBe(true);
    const anxiety = card(patient, 'gad7');
    expect(await text(anxiety)).toContain('You have not done an anxiety check-in yet.');
    await anxiety.getByRole('link', { name: 'Start an anxiety check-in' }).click();
    await eventually(() => patient.getByTestId('checkin-form').count()).toBe(1);
    expect(await patient.getByTestId('checkin-item').count()).toBe(8);
    await answer(patient, [2, 2, 2, 2, 2, 2, 2]);
    await patient
      .getByRole('group', { name: /how difficult have these problems made it/ })
      .getByRole('radio', { name: DIFFICULTY_OPTIONS[1] })
      .check();
    expect(await patient.getByTestId('crisis-box').count()).toBe(0);
    expect(await seriousViolations(patient)).toEqual([]);

    await patient.getByTestId('submit-checkin').click();
    const result = patient.getByTestId('checkin-result');
    await eventually(() => result.count()).toBe(1);
    expect(await text(result.getByTestId('result-score'))).toBe('14 of 21 — moderate');
    expect(await text(result)).toContain('A score from 10 to 14 is in the moderate range.');
    expect(await text(result.getByTestId('result-change'))).toBe(
      'This is your first one, so there is nothing to compare with yet.',
    );
    expect(await result.getByTestId('crisis-box').count()).toBe(0);
    // The reader lands on the outcome.
    expect(await patient.evaluate<string>('document.activeElement?.id ?? ""')).toBe('result-title');

    await patient.getByTestId('back-to-plan').click();
    await eventually(() => text(anxiety.getByTestId('checkin-score'))).toMatch(
      /^Your anxiety check-in on .+: 14 of 21 — moderate$/,
    );
    // One recent form is enough: not every patient is asked for both.
    expect(await due.count()).toBe(0);

    const prescriber = await openPlan('prescriber2', plans.south);
    const gad7 = panel(prescriber, 'gad7');
    expect(await text(gad7.getByTestId('checkin-latest'))).toBe('14/21 Moderate');
    expect(await text(gad7.getByTestId('checkin-progress'))).toBe('14, the first score (baseline)');
    expect(await text(gad7.getByTestId('checkin-answers'))).toContain(
      'Difficulty in daily life: somewhat difficult',
    );
    expect(await text(panel(prescriber, 'phq9'))).toContain(
      'Casey Brooks has not completed a mood check-in (PHQ-9) yet.',
    );
    expect(await prescriber.getByTestId('safety-alert').count()).toBe(0);
  });
});

describe('refusals in words', () => {
  it('says when the next check-in can be done, before and after a refused send', async () => {
    // Alex did a mood check-in in the first test: the form is not offered again today.
    const alex = await signIn('patient', PHONE);
    await alex.goto(`${server.url}/plans/${plans.north}/check-in/phq9`);
    await eventually(() => alex.getByTestId('checkin-too-soon').count()).toBe(1);
    expect(await text(alex.getByTestId('checkin-too-soon'))).toMatch(
      /You can do the next one tomorrow at /,
    );
    expect(await alex.getByTestId('checkin-form').count()).toBe(0);

    // Casey opens a mood check-in; another device sends one first; the server refuses this one.
    const casey = await signIn('patient2', PHONE);
    await casey.goto(`${server.url}/plans/${plans.south}/check-in/phq9`);
    await eventually(() => casey.getByTestId('checkin-form').count()).toBe(1);
    const other = await loginAs(server.url, 'patient2');
    const first = await other.post(`/plans/${plans.south}/check-ins`, {
      instrument: 'phq9',
      answers: [1, 1, 1, 1, 1, 1, 1, 1, 0],
    });
    expect(first.status).toBe(201);
    await answer(casey, [1, 1, 1, 1, 1, 1, 1, 1, 0]);
    await casey.getByTestId('submit-checkin').click();
    const error = casey.getByTestId('checkin-error');
    await eventually(() => error.count()).toBe(1);
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await text(error)).toMatch(
      /^You already did a mood check-in in the last 24 hours, so these answers were not saved\. You can do the next one tomorrow at /,
    );
    expect(await casey.getByTestId('submit-checkin').isDisabled()).toBe(false);
    expect(await casey.getByTestId('checkin-result').count()).toBe(0);
  });

  it('says when a form does not exist, and who fills one in', async () => {
    const alex = await signIn('patient', PHONE);
    await alex.goto(`${server.url}/plans/${plans.north}/check-in/phq2`);
    const error = alex.getByTestId('page-error');
    await eventually(() => error.getAttribute('data-status')).toBe('404');
    expect(await text(error)).toContain('There is no such check-in');

    const therapist = await signIn('therapist', DESK);
    await therapist.goto(`${server.url}/plans/${plans.north}/check-in/gad7`);
    const notYours = therapist.getByTestId('checkin-not-yours');
    await eventually(() => notYours.count()).toBe(1);
    expect(await text(notYours)).toContain('Only Alex Morgan fills in their anxiety check-in');
    expect(await therapist.getByTestId('checkin-form').count()).toBe(0);
  });
});

describe("the deployment's crisis numbers", () => {
  it('gives a patient the numbers the server is configured with, on the plan and in the crisis box', async () => {
    const uk = await startTestServer({
      web: true,
      seedDemo: true,
      env: {
        CRISIS_EMERGENCY_NUMBER: '999',
        CRISIS_LINE_NAME: 'Samaritans',
        CRISIS_LINE_NUMBER: '116 123',
        CRISIS_LINE_TEXTS: 'false',
      },
    });
    const { north } = await demoPlans(uk.url);
    const { context, page } = await signedInContext(browser, uk.url, 'patient', {
      viewport: PHONE,
    });
    contexts.push(context);
    await page.goto(`${uk.url}/plans/${north}`);
    const strip = page.getByTestId('crisis-strip');
    await eventually(() => strip.count()).toBe(1);
    expect(await text(strip)).toContain(
      'If you are thinking about harming yourself, call 116 123, Samaritans, at any time. In an emergency call 999.',
    );
    expect(await text(strip)).not.toMatch(/988|911|text/);
    expect(await strip.getByRole('link', { name: '116 123' }).getAttribute('href')).toBe(
      'tel:116123',
    );

    await page.goto(`${uk.url}/plans/${north}/check-in/phq9`);
    await eventually(() => page.getByTestId('checkin-form').count()).toBe(1);
    const item9 = page.getByRole('group', { name: /better off dead or of hurting yourself/ });
    await item9.getByRole('radio', { name: 'More than half the days' }).check();
    const crisis = page.getByTestId('crisis-box');
    await eventually(() => crisis.isVisible()).toBe(true);
    expect(await text(crisis)).toContain(
      'If you might act on these thoughts, call 999 or go to the nearest emergency room now. You can call 116 123, Samaritans, at any time.',
    );
    expect(await crisis.getByRole('link', { name: '999' }).getAttribute('href')).toBe('tel:999');
    // Before this test's server stops: an open page would keep reconnecting to it.
    await context.close();
  });
});

describe('on a small phone', () => {
  it('fits the check-ins card and the form to a 360 px screen, with large answers to tap', async () => {
    const alex = await openPlan('patient', plans.north, SMALL_PHONE);
    await card(alex, 'gad7').scrollIntoViewIfNeeded();
    expect(await sidewaysScroll(alex)).toBeLessThanOrEqual(0);
    const cardBox = (await alex.getByTestId('patient-checkins').boundingBox())!;
    expect(cardBox.x + cardBox.width).toBeLessThanOrEqual(SMALL_PHONE.width);
    await alex.getByTestId('patient-checkins').screenshot(shotPath('checkin-card-360'));

    await card(alex, 'gad7').getByRole('link', { name: 'Start an anxiety check-in' }).click();
    await eventually(() => alex.getByTestId('checkin-form').count()).toBe(1);
    expect(await sidewaysScroll(alex)).toBeLessThanOrEqual(0);
    const option = alex.getByTestId('checkin-item').first().locator('label').first();
    const box = (await option.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.x + box.width).toBeLessThanOrEqual(SMALL_PHONE.width);
    await screenshot(alex, 'checkin-form-360');
  });
});

describe('the form with the keyboard on a phone', () => {
  it('scrolls each answer reached with Tab or the arrow keys clear of the sticky send bar', async () => {
    // A patient of their own, whose PHQ-9 is due whatever the other tests sent.
    const coordinator = await loginAs(server.url, 'coordinator');
    const [team] = (await coordinator.get<{ id: string }[]>('/teams')).body;
    const email = `keyboard.${Date.now()}@example.test`;
    const created = await coordinator.post<CreatePatientResponse>(`/teams/${team!.id}/patients`, {
      name: 'Robin Keyes',
      email,
    });
    const first = created.body.initialPassword;
    await loginWithFirstPassword(server.url, email, first);
    const context = await browser.newContext({ viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    await signInWithEmail(page, server.url, email, `${first}-own`);
    await page.goto(`${server.url}/plans/${created.body.patient.plan!.id}/check-in/phq9`);
    await eventually(() => page.getByTestId('checkin-form').count()).toBe(1);
    /** Where the focused answer is, against the header above and the send bar below. */
    // Evaluated as a string: the tests are compiled without the DOM's types.
    const hidden = () =>
      page.evaluate<string>(`(() => {
        const el = document.activeElement;
        if (el.type !== 'radio') return 'not an answer: ' + el.tagName;
        const option = el.closest('label').getBoundingClientRect();
        const bar = document
          .querySelector('[data-testid=submit-checkin]')
          .parentElement.parentElement.getBoundingClientRect();
        const header = document.querySelector('.app-header').getBoundingClientRect();
        return option.bottom > bar.top + 1 || option.top < header.bottom - 1
          ? el.name + ' at ' + Math.round(option.top) + '-' + Math.round(option.bottom) +
              ', bar at ' + Math.round(bar.top)
          : '';
      })()`);
    await page.getByTestId('checkin-item').first().getByRole('radio').first().focus();
    await page.evaluate('window.scrollTo(0, 0)');
    const seen: string[] = [];
    for (let item = 0; item < 10; item++) {
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      seen.push(await hidden());
      // On to the next question (the crisis box's links come after the ninth).
      do await page.keyboard.press('Tab');
      while (item < 9 && (await page.evaluate<string>('document.activeElement.type')) !== 'radio');
      if (item < 9) seen.push(await hidden());
    }
    expect(seen.filter(Boolean)).toEqual([]);
  });
});

/** A screenshot of what the screen shows (fixed and sticky parts as seen), for people to look at. */
function shotPath(name: string): { path: string } {
  return { path: new URL(`../.artifacts/screenshots/${name}.png`, import.meta.url).pathname };
}
