import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Comment, CommentThread, NotificationList } from '@tandem/shared';
import { demoPlans, loginAs } from '../helpers/api.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { deviceRecords, dismissDialogs, signedInContext } from '../helpers/web.ts';

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

const PHONE = { width: 390, height: 844 };

/** Live updates cross two browsers and the server on a shared, often busy machine: allow them time. */
const eventually = <T>(fn: () => T | Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout });

/**
 * Where a screenshot for people to look at goes. Captures are of the screen or one
 * element: the drawer is fixed, so a full-page capture would not show it as seen.
 */
function shot(name: string): { path: string } {
  const dir = new URL('../.artifacts/screenshots/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  return { path: new URL(`${name}.png`, dir).pathname };
}

async function openPlan(
  who: Parameters<typeof signedInContext>[2],
  viewport = { width: 1400, height: 900 },
): Promise<Page> {
  const { context, page } = await signedInContext(browser, server.url, who, { viewport });
  contexts.push(context);
  await page.goto(`${server.url}/plans/${planId}`);
  // Generous: the machine running these is often busy.
  if (who === 'patient') {
    await eventually(() => page.getByTestId('patient-goal').count(), 30_000).toBeGreaterThan(0);
  } else {
    await eventually(() => page.getByTestId('save-state').getAttribute('data-state'), 30_000).toBe(
      'saved',
    );
  }
  return page;
}

async function openDrawer(page: Page, view: 'comments' | 'history'): Promise<void> {
  await page.getByTestId(`open-${view}`).click();
  await eventually(() => page.getByTestId('lifecycle-drawer').getAttribute('data-view')).toBe(view);
}

const texts = (page: Page, scope: string, testId: string) =>
  page.locator(scope).getByTestId(testId).allTextContents();

describe('comments on goals', () => {
  it('shows a patient’s comment live in the therapist’s open workspace, and the reply live to the patient', async () => {
    const therapist = await openPlan('therapist');
    await openDrawer(therapist, 'comments');
    await eventually(() => therapist.getByTestId('comments-goal').count()).toBeGreaterThan(0);

    const patient = await openPlan('patient', PHONE);
    const goal = patient.getByTestId('patient-goal').first();
    const goalTitle = (await goal.locator('h3').textContent())!.trim();
    const body = `Sleeping better since the wind-down routine ${Date.now()}`;
    await goal.getByTestId('start-comment').click();
    // The composer takes the focus, so the patient can type right away.
    await patient.keyboard.type(body);
    await goal.getByRole('button', { name: 'Send' }).click();
    await eventually(() => goal.getByTestId('comment-body').allTextContents()).toContain(body);

    // The therapist sees it without reloading, under the right goal, and hears about it.
    await eventually(() =>
      texts(therapist, '[data-testid=comments-panel]', 'comment-body'),
    ).toContain(body);
    const thread = therapist
      .getByTestId('comment-thread')
      .filter({ has: therapist.getByText(body) });
    const goalGroup = therapist
      .getByTestId('comments-goal')
      .filter({ has: therapist.getByText(body) });
    expect(await goalGroup.locator('h3').textContent()).toContain(goalTitle);
    // The goal's own button counts the open thread.
    expect(await therapist.getByTestId('goal-comments-button').first().textContent()).toContain(
      '1',
    );
    // A patient's comment notifies the care team, and a screen reader hears of it once: from
    // the notifications, not again from the plan.
    await eventually(() => therapist.getByTestId('notifications-unread').textContent()).toBe('1');
    const heard = therapist.locator('[aria-live]').filter({ hasText: /Alex Morgan.*comment/ });
    await eventually(() => heard.allTextContents()).toHaveLength(1);
    expect(await heard.textContent()).toContain('Alex Morgan commented on');
    expect(await therapist.getByTestId('live-announcement').textContent()).not.toContain(
      'New comment from Alex Morgan',
    );

    // The therapist replies and mentions the prescriber through the @ picker.
    await thread.getByRole('button', { name: 'Reply' }).click();
    await therapist.keyboard.type('Good to hear. @may');
    const option = therapist.getByRole('option', { name: /Dr\. Maya Okafor/ });
    await eventually(() => option.isVisible()).toBe(true);
    await therapist.keyboard.press('Enter');
    await therapist.keyboard.type('can we keep the current dose?');
    const hint = thread.locator('form').getByText('Will notify Dr. Maya Okafor.');
    await eventually(() => hint.isVisible()).toBe(true);
    await thread.getByRole('button', { name: 'Reply', exact: true }).last().click();
    const reply = 'Good to hear. @Dr. Maya Okafor can we keep the current dose?';
    await eventually(() => thread.getByTestId('comment-body').allTextContents()).toContain(reply);
    await therapist.screenshot(shot('lifecycle-therapist-comments'));

    // The patient's page shows the reply live; the prescriber got a mention.
    await eventually(() => goal.getByTestId('comment-body').allTextContents()).toContain(reply);
    await goal.screenshot(shot('lifecycle-patient-comment'));
    const prescriber = await loginAs(server.url, 'prescriber');
    const inbox = await prescriber.get<NotificationList>('/notifications');
    expect(inbox.body.items.map((n) => [n.type, n.actor.name])).toContainEqual([
      'mention',
      'Sam Rivera, LCSW',
    ]);

    // Opening the notification takes the therapist to the goal's thread.
    await therapist.getByTestId('notifications-toggle').click();
    await eventually(() => therapist.getByTestId('notification').count()).toBeGreaterThan(0);
    await therapist.screenshot(shot('lifecycle-notifications'));
    await therapist.getByTestId('notification').first().click();
    await eventually(() => new URL(therapist.url()).searchParams.get('goal')).toBeTruthy();
    await eventually(() => therapist.getByTestId('notifications-unread').count()).toBe(0);
    await eventually(() =>
      therapist.getByTestId('lifecycle-drawer').getAttribute('data-view'),
    ).toBe('comments');

    // Resolving closes the thread for everyone; it can be shown again.
    await thread.getByTestId('resolve-thread').click();
    await eventually(() => thread.count()).toBe(0);
    await eventually(() => goal.getByTestId('comment-body').allTextContents()).not.toContain(body);
    await therapist.getByLabel(/Show resolved/).check();
    await eventually(() => thread.getByTestId('reopen-thread').isVisible()).toBe(true);
  });
});

describe('messages being written', () => {
  /** The comment drafts this browser keeps, by record name. */
  const commentRecords = async (page: Page) =>
    (await deviceRecords(page)).filter((r) => r.doc.startsWith('comment:'));

  it('keeps a patient’s unsent message on the device through a closed tab, until it is sent or cancelled', async () => {
    const patient = await openPlan('patient', PHONE);
    const context = patient.context();
    const asked: string[] = [];
    dismissDialogs(patient, asked);
    const goalOf = (page: Page) => page.getByTestId('patient-goal').nth(1);
    const goalId = await goalOf(patient).getByTestId('goal-threads').getAttribute('data-goal-id');
    const body = `The worry comes back at night, mostly on Sundays ${Date.now()}`;
    await goalOf(patient).getByTestId('start-comment').click();
    await patient.keyboard.type(body);
    const composer = goalOf(patient).getByTestId('comment-composer');
    await eventually(() => composer.getAttribute('data-draft')).toBe('kept');
    // Sealed on the device, under the plan and goal.
    const records = await commentRecords(patient);
    expect(records.map((r) => r.doc)).toEqual([`comment:${planId}:goal:${goalId}`]);
    expect(records[0]!.text).not.toContain('worry');

    // Closing the tab asks nothing; the next visit opens the message where it was.
    const again = await context.newPage();
    await patient.close({ runBeforeUnload: true });
    await eventually(() => patient.isClosed()).toBe(true);
    dismissDialogs(again, asked);
    await again.goto(`${server.url}/plans/${planId}`);
    const restored = goalOf(again).getByTestId('comment-draft-restored');
    await eventually(() => restored.count(), 30_000).toBe(1);
    expect((await restored.textContent())!.trim()).toMatch(
      /^Your unsent message from .+ is back\.$/,
    );
    expect(await goalOf(again).getByTestId('comment-input').inputValue()).toBe(body);
    // Opened for the patient, not into focus: a phone's keyboard does not jump up.
    expect(await again.evaluate('document.activeElement?.tagName')).not.toBe('TEXTAREA');
    // Only that goal's composer is open.
    expect(await again.getByTestId('comment-composer').count()).toBe(1);
    expect(await seriousViolations(again, '[data-testid=comment-composer]')).toEqual([]);
    await goalOf(again).screenshot(shot('lifecycle-comment-draft-restored'));

    // Sent: on the server, and gone from the device.
    await goalOf(again).getByRole('button', { name: 'Send' }).click();
    await eventually(() => goalOf(again).getByTestId('comment-body').allTextContents()).toContain(
      body,
    );
    await eventually(() => commentRecords(again)).toEqual([]);
    const therapist = await loginAs(server.url, 'therapist');
    const threads = await therapist.get<CommentThread[]>(`/plans/${planId}/comments`);
    expect(threads.body.flatMap((t) => t.comments.map((c) => c.body))).toContain(body);
    await again.reload();
    await eventually(() => goalOf(again).getByTestId('comment-body').count()).toBeGreaterThan(0);
    expect(await again.getByTestId('comment-composer').count()).toBe(0);

    // Cancelled: nothing is kept, and the next visit starts afresh.
    await goalOf(again).getByTestId('start-comment').click();
    await again.keyboard.type('Never mind');
    await eventually(() =>
      goalOf(again).getByTestId('comment-composer').getAttribute('data-draft'),
    ).toBe('kept');
    await goalOf(again).getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => commentRecords(again)).toEqual([]);
    await again.reload();
    await eventually(() => again.getByTestId('patient-goal').count()).toBeGreaterThan(1);
    await eventually(() => goalOf(again).getByTestId('start-comment').count()).toBe(1);
    expect(await again.getByTestId('comment-composer').count()).toBe(0);
    expect(asked).toEqual([]);
  });

  it('keeps a clinician’s unsent reply when the drawer closes, and gives it back when it opens', async () => {
    const therapist = await openPlan('therapist');
    // A conversation of its own to reply to, started by the patient.
    const goalId = await therapist.getByTestId('goal').first().getAttribute('data-goal-id');
    const patient = await loginAs(server.url, 'patient');
    const started = await patient.post<Comment>(`/plans/${planId}/comments`, {
      goalId,
      body: `Sundays are still hard ${Date.now()}`,
    });
    expect(started.status).toBe(201);
    const threadId = started.body.threadId;
    await openDrawer(therapist, 'comments');
    const thread = therapist.locator(`[data-testid=comment-thread][data-thread-id="${threadId}"]`);
    await eventually(() => thread.count()).toBe(1);
    await thread.getByRole('button', { name: 'Reply' }).click();
    const reply = `Let us look at Sunday evenings together on Thursday ${Date.now()}`;
    await therapist.keyboard.type(reply);
    await eventually(() => thread.getByTestId('comment-composer').getAttribute('data-draft')).toBe(
      'kept',
    );
    expect((await commentRecords(therapist)).map((r) => r.doc)).toEqual([
      `comment:${planId}:reply:${threadId}`,
    ]);

    await therapist.getByRole('button', { name: 'Close comments' }).click();
    await eventually(() => therapist.getByTestId('lifecycle-drawer').count()).toBe(0);
    // The closed drawer's button says a reply waits in it, after a reload too.
    const unsent = therapist.getByTestId('open-comments').getByTestId('unsent-comments');
    expect(await unsent.textContent()).toBe('· draft, not sent');
    await therapist.reload();
    await eventually(() => unsent.textContent(), 30_000).toBe('· draft, not sent');
    await openDrawer(therapist, 'comments');
    const back = therapist.locator(`[data-testid=comment-thread][data-thread-id="${threadId}"]`);
    await eventually(() => back.getByTestId('comment-draft-restored').count()).toBe(1);
    expect(await back.getByTestId('comment-input').inputValue()).toBe(reply);
    // Only that conversation's reply is open.
    expect(await therapist.getByTestId('comment-composer').count()).toBe(1);

    // A colleague resolves the conversation meanwhile: it stays in view with the reply.
    await therapist.getByRole('button', { name: 'Close comments' }).click();
    const prescriber = await loginAs(server.url, 'prescriber');
    const resolved = await prescriber.post(`/plans/${planId}/comments/${threadId}/resolve`);
    expect(resolved.status).toBe(200);
    await openDrawer(therapist, 'comments');
    await eventually(() => back.getAttribute('class')).toContain('resolved');
    expect(await back.getByTestId('comment-input').inputValue()).toBe(reply);
    expect(await unsent.textContent()).toBe('· draft, not sent');

    // Sent: the button has nothing more to say, and the conversation stays in view with the
    // reply until the page is left (then it is with the resolved ones).
    await back.getByRole('button', { name: 'Reply', exact: true }).click();
    await eventually(() => unsent.count()).toBe(0);
    expect(await commentRecords(therapist)).toEqual([]);
    await eventually(() => back.getByTestId('comment-body').allTextContents()).toContain(reply);
    expect(await back.getAttribute('class')).toContain('resolved');
    const stored = await prescriber.get<CommentThread[]>(`/plans/${planId}/comments`);
    expect(stored.body.find((t) => t.id === threadId)?.comments.map((c) => c.body)).toContain(
      reply,
    );
    await therapist.reload();
    await openDrawer(therapist, 'comments');
    await eventually(() => therapist.getByTestId('comment-thread').count()).toBeGreaterThan(0);
    expect(await back.count()).toBe(0);
  });

  it('keeps a change to one’s own comment until it is saved', async () => {
    const therapist = await openPlan('therapist');
    const goalId = await therapist.getByTestId('goal').first().getAttribute('data-goal-id');
    const api = await loginAs(server.url, 'therapist');
    const first = `Homework for this week: one pleasant activity a day ${Date.now()}`;
    const started = await api.post<Comment>(`/plans/${planId}/comments`, { goalId, body: first });
    expect(started.status).toBe(201);
    await openDrawer(therapist, 'comments');
    const mine = therapist.locator(`[data-testid=comment][data-comment-id="${started.body.id}"]`);
    await eventually(() => mine.count()).toBe(1);
    await mine.getByRole('button', { name: 'Edit your comment' }).click();
    await therapist.keyboard.press('End');
    await therapist.keyboard.type(', and a walk on Sunday');
    await eventually(() => mine.getByTestId('comment-composer').getAttribute('data-draft')).toBe(
      'kept',
    );
    expect((await commentRecords(therapist)).map((r) => r.doc)).toEqual([
      `comment:${planId}:edit:${started.body.id}`,
    ]);

    await therapist.getByRole('button', { name: 'Close comments' }).click();
    const unsent = therapist.getByTestId('open-comments').getByTestId('unsent-comments');
    await eventually(() => unsent.textContent()).toBe('· draft, not sent');
    await openDrawer(therapist, 'comments');
    const restored = mine.getByTestId('comment-draft-restored');
    await eventually(() => restored.count()).toBe(1);
    expect((await restored.textContent())!.trim()).toMatch(
      /^Your unsaved change from .+ is back\.$/,
    );
    expect(await mine.getByTestId('comment-input').inputValue()).toBe(
      `${first}, and a walk on Sunday`,
    );
    // Given back, not into focus: the drawer's heading keeps it.
    expect(await therapist.evaluate('document.activeElement?.id')).toBe('lifecycle-drawer-title');

    await mine.getByRole('button', { name: 'Save' }).click();
    await eventually(() => mine.getByTestId('comment-body').textContent()).toBe(
      `${first}, and a walk on Sunday`,
    );
    await eventually(() => unsent.count()).toBe(0);
    expect(await commentRecords(therapist)).toEqual([]);
  });

  it('keeps what the patient wrote about a goal the care team takes out of the plan', async () => {
    // The prescriber edits: the therapist's edits later in this file are checked as a stretch of their own.
    const prescriber = await openPlan('prescriber');
    const title = `Swim twice a week ${Date.now()}`;
    await prescriber.getByTestId('new-goal').fill(title);
    await prescriber.getByRole('button', { name: 'Add goal' }).click();
    const patient = await openPlan('patient', PHONE);
    const card = patient.getByTestId('patient-goal').filter({ hasText: title });
    await eventually(() => card.count()).toBe(1);
    const goalId = await card.getByTestId('goal-threads').getAttribute('data-goal-id');
    const api = await loginAs(server.url, 'patient');
    const asked = `Is the pool at the community centre fine? ${Date.now()}`;
    expect((await api.post(`/plans/${planId}/comments`, { goalId, body: asked })).status).toBe(201);
    await eventually(() => card.getByTestId('comment-body').allTextContents()).toEqual([asked]);
    const unsent = `I went once this week ${Date.now()}`;
    await card.getByTestId('start-comment').click();
    await patient.keyboard.type(unsent);
    await eventually(() => card.getByTestId('comment-composer').getAttribute('data-draft')).toBe(
      'kept',
    );

    // The prescriber takes the goal out while the patient is writing about it.
    await prescriber.getByRole('button', { name: `Remove goal “${title}”` }).click();
    await eventually(() => card.count()).toBe(0);
    const removed = patient.locator(`[data-testid=patient-removed-goal][data-goal-id="${goalId}"]`);
    await eventually(() => removed.getByTestId('comment-body').allTextContents()).toEqual([asked]);
    expect(await removed.getByTestId('comment-input').inputValue()).toBe(unsent);
    // Named as it was when the conversation started.
    expect(await removed.getByRole('heading').textContent()).toBe(`“${title}”`);
    // Nothing new starts about a goal that is gone; what was being written can still be sent.
    expect(await removed.getByTestId('start-comment').count()).toBe(0);
    expect(await seriousViolations(patient, '[data-testid=patient-removed-goals]')).toEqual([]);
    await patient.getByTestId('patient-removed-goals').screenshot(shot('lifecycle-removed-goal'));
    await removed.getByRole('button', { name: 'Send' }).click();
    await eventually(() => removed.getByTestId('comment-body').allTextContents()).toEqual([
      asked,
      unsent,
    ]);
    await eventually(() => commentRecords(patient)).toEqual([]);

    // The care team reads both under the removed goal; after a reload the patient still does.
    await openDrawer(prescriber, 'comments');
    const inDrawer = prescriber.locator(`[data-testid=comments-goal][data-goal-id="${goalId}"]`);
    await eventually(() => inDrawer.getByTestId('comment-body').allTextContents()).toEqual([
      asked,
      unsent,
    ]);
    expect(await inDrawer.getByRole('heading').textContent()).toBe(`Removed goal: “${title}”`);
    expect(await inDrawer.getByTestId('start-comment').count()).toBe(0);
    // A notification's link about that goal (`?goal=`) leads there, and it stays in view
    // when what loads after it (a version to review, check-ins) lands above it.
    const onScreen = async (part: Locator) => {
      const box = await part.boundingBox();
      return box !== null && box.y < PHONE.height && box.y + box.height > 0;
    };
    await patient.goto(`${server.url}/plans/${planId}?goal=${goalId}`);
    await eventually(() => removed.getByTestId('comment-body').count(), 30_000).toBe(2);
    await eventually(() => removed.getAttribute('class')).toContain('focus');
    await patient.waitForLoadState('networkidle');
    expect(await onScreen(removed)).toBe(true);
    // The same for a goal still in the plan, further down than the first.
    const second = patient.getByTestId('patient-goal').nth(1);
    const secondId = await second.getByTestId('goal-threads').getAttribute('data-goal-id');
    await patient.goto(`${server.url}/plans/${planId}?goal=${secondId}`);
    const talk = second.getByTestId('patient-goal-comments');
    await eventually(() => talk.getAttribute('class'), 30_000).toContain('focus');
    await patient.waitForLoadState('networkidle');
    expect(await onScreen(talk)).toBe(true);
  });
});

describe('keyboard use', () => {
  it('opens the drawer into focus and closes it with Escape, back to its button', async () => {
    const coordinator = await openPlan('coordinator');
    await coordinator.getByTestId('open-comments').focus();
    await coordinator.keyboard.press('Enter');
    // A string, evaluated in the page: the tests are compiled without the DOM library.
    const focused = (attr: string) =>
      coordinator.evaluate<string | null>(
        `document.activeElement?.getAttribute('${attr}') ?? null`,
      );
    const focusedId = () => focused('id');
    await eventually(focusedId).toBe('lifecycle-drawer-title');
    // The coordinator may comment too; the composer opens into focus.
    await coordinator.getByTestId('start-comment').first().focus();
    await coordinator.keyboard.press('Enter');
    await eventually(focusedId).toMatch(/^new-comment-/);
    await coordinator.keyboard.press('Escape');
    await eventually(() => coordinator.getByTestId('comment-composer').count()).toBe(0);
    await coordinator.keyboard.press('Escape');
    await eventually(() => coordinator.getByTestId('lifecycle-drawer').count()).toBe(0);
    await eventually(() => focused('data-testid')).toBe('open-comments');

    // A goal's comment button opens the drawer at that goal, and gets the focus back.
    const goalButton = coordinator.getByTestId('goal-comments-button').nth(1);
    await goalButton.focus();
    await coordinator.keyboard.press('Enter');
    const goalId = await coordinator.getByTestId('goal').nth(1).getAttribute('data-goal-id');
    await eventually(focusedId).toBe(`comments-goal-${goalId}-title`);
    expect(
      await coordinator
        .locator(`[data-testid=comments-goal][data-goal-id="${goalId}"]`)
        .getAttribute('class'),
    ).toContain('focus');
    await coordinator.keyboard.press('Escape');
    await eventually(() => focused('data-testid')).toBe('goal-comments-button');
  });
});

describe('versions and sign-off', () => {
  it('lets the prescriber save and sign a version with a readable diff, and the patient acknowledge it', async () => {
    const prescriber = await openPlan('prescriber');
    await openDrawer(prescriber, 'history');
    const drawer = prescriber.getByTestId('history-panel');
    await eventually(() => drawer.getByTestId('draft-status').textContent()).toContain(
      'No version has been saved yet',
    );

    await prescriber.getByLabel('Name of the new version').fill('Initial plan');
    await prescriber.getByTestId('save-version').click();
    const v1 = drawer.locator('[data-testid=version][data-number="1"]');
    await eventually(() => v1.getAttribute('data-status')).toBe('draft');
    await eventually(() => drawer.getByTestId('draft-status').textContent()).toContain(
      'The live plan matches version 1',
    );

    // An edit of the live plan shows up as a draft, in clinical words.
    await prescriber.getByLabel('Dose of Sertraline').fill('100');
    await eventually(() => drawer.getByTestId('draft-status').textContent(), 10_000).toContain(
      'Sertraline 50 mg → 100 mg once daily',
    );
    expect(await drawer.getByTestId('draft-status').textContent()).toContain(
      'Draft — changes since version 1',
    );
    await prescriber.screenshot(shot('lifecycle-prescriber-draft'));

    await prescriber.getByLabel('Name of the new version').fill('Sertraline to 100 mg');
    await prescriber.getByTestId('save-version').click();
    const v2 = drawer.locator('[data-testid=version][data-number="2"]');
    await eventually(() => v2.count()).toBe(1);
    await v2.getByTestId('sign-version').click();
    await eventually(() => v2.getAttribute('data-status')).toBe('signed');
    expect(await v2.getByTestId('signature').textContent()).toMatch(
      /Signed by Dr\. Maya Okafor\s*Prescriber/,
    );
    // A signed version offers no second signature; v1 stays unsigned.
    expect(await v2.getByTestId('sign-version').count()).toBe(0);
    expect(await v1.getAttribute('data-status')).toBe('draft');

    // Any two versions compare in clinical words.
    await v2.getByRole('button', { name: /Changes in version 2 since version 1/ }).click();
    await eventually(() => drawer.getByTestId('compare-result').textContent()).toContain(
      'Sertraline 50 mg → 100 mg once daily',
    );
    await prescriber.screenshot(shot('lifecycle-prescriber-history'));

    // The patient reads what changed in plain words and confirms the review.
    const patient = await openPlan('patient', PHONE);
    // The signature reached the patient's notifications.
    await patient.getByTestId('notifications-toggle').click();
    await eventually(() => patient.getByTestId('notification').first().textContent()).toContain(
      'Dr. Maya Okafor signed version 2 of your plan: see what changed',
    );
    // On the phone the whole panel is on the screen.
    const box = (await patient.getByTestId('notifications-panel').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await patient.keyboard.press('Escape');
    const review = patient.getByTestId('patient-review');
    await eventually(() => review.getByTestId('plain-changes').textContent()).toContain(
      'New medicine: Sertraline, 100 mg, once a day.',
    );
    await review.screenshot(shot('lifecycle-patient-review'));
    await review.getByTestId('acknowledge-plan').click();
    await eventually(() => review.getByTestId('acknowledged').isVisible()).toBe(true);
    await eventually(() => review.getByTestId('plain-changes').textContent()).toContain(
      'Nothing has changed since you last reviewed your plan.',
    );
    await review.screenshot(shot('lifecycle-patient-acknowledged'));

    // Reopened, the prescriber's history shows the patient's acknowledgement.
    await prescriber.getByTestId('open-history').click();
    await openDrawer(prescriber, 'history');
    await eventually(() =>
      drawer
        .locator('[data-testid=version][data-number="2"] [data-testid=signature]')
        .allTextContents(),
    ).toEqual([
      expect.stringMatching(/Signed by Dr\. Maya Okafor/),
      expect.stringMatching(/Acknowledged by Alex Morgan\s*Patient/),
    ]);

    // The therapist co-signs; the button is theirs only.
    const therapist = await openPlan('therapist');
    // The notification asking for the co-signature opens the plan's history.
    await therapist.getByTestId('notifications-toggle').click();
    const ask = therapist.getByTestId('notification').filter({ hasText: 'signed version 2' });
    await eventually(() => ask.textContent()).toContain('it needs your co-signature');
    await ask.click();
    await eventually(() => therapist.getByTestId('history-panel').isVisible()).toBe(true);
    const tv2 = therapist.locator('[data-testid=version][data-number="2"]');
    expect(await tv2.getByTestId('sign-version').count()).toBe(0);
    await tv2.getByTestId('cosign-version').click();
    await eventually(() => tv2.getByTestId('signature').allTextContents()).toContainEqual(
      expect.stringMatching(/Co-signed by Sam Rivera, LCSW/),
    );
    await therapist.screenshot(shot('lifecycle-therapist-cosigned'));

    // The prescriber's open history shows the co-signature without reloading: the server pushes it.
    await eventually(
      () =>
        drawer
          .locator('[data-testid=version][data-number="2"] [data-testid=signature]')
          .allTextContents(),
      3_000,
    ).toContainEqual(expect.stringMatching(/Co-signed by Sam Rivera, LCSW/));
  });
});

describe('medication proposals and interaction warnings', () => {
  it('lets the therapist propose, the prescriber accept with warnings and acknowledge one, and shows it all in history', async () => {
    const prescriber = await openPlan('prescriber');
    const therapist = await openPlan('therapist');
    const meds = (page: Page) => page.locator('section#medications');

    await meds(therapist).getByTestId('propose-change').click();
    await therapist.getByLabel('Start a medication').check();
    await therapist.getByLabel('Medication', { exact: true }).fill('Sumatriptan');
    await therapist.getByLabel('Dose', { exact: true }).fill('50');
    await therapist.getByLabel('Frequency', { exact: true }).selectOption('as needed');
    await therapist
      .getByLabel('Rationale for the prescriber')
      .fill('Migraines twice a week are keeping Alex from the activity plan.');
    await therapist.getByTestId('submit-proposal').click();
    await eventually(() => meds(therapist).getByTestId('proposal-result').textContent()).toContain(
      'Sent to the prescriber: Started Sumatriptan 50 mg as needed',
    );
    expect(await meds(therapist).getByTestId('open-proposal').textContent()).toContain(
      'Waiting for the prescriber',
    );

    // It reaches the prescriber's open workspace live.
    const open = meds(prescriber).getByTestId('open-proposal');
    await eventually(() => open.count()).toBe(1);
    expect(await open.textContent()).toContain('Migraines twice a week');
    await meds(prescriber)
      .getByTestId('proposals')
      .screenshot(shot('lifecycle-prescriber-proposal'));
    await open.getByTestId('accept-proposal').click();
    await open.getByLabel('Note (optional)').fill('Short trial, review in 4 weeks.');
    await open.getByTestId('confirm-decision').click();
    const result = meds(prescriber).getByTestId('proposal-result');
    await eventually(() => result.textContent()).toContain('Accepted and applied');
    expect(await result.textContent()).toContain('Sertraline + Sumatriptan');

    // The change is in the medication table, and the warning sits inline above it.
    await eventually(async () =>
      Promise.all(
        (await meds(prescriber).getByLabel('Medication name').all()).map((input) =>
          input.inputValue(),
        ),
      ),
    ).toContain('Sumatriptan');
    const warning = meds(prescriber).getByTestId('interaction');
    await eventually(() => warning.count()).toBe(1);
    expect(await warning.textContent()).toContain('Possible serotonin syndrome');
    await warning.getByTestId('acknowledge-interaction').click();
    await warning
      .getByLabel('Why this combination stays (recorded)')
      .fill('Low triptan use, patient told the warning signs.');
    await warning.getByRole('button', { name: 'Record acknowledgement' }).click();
    await eventually(() => warning.getByTestId('interaction-ack').textContent()).toContain(
      'Kept on purpose by Dr. Maya Okafor',
    );
    await meds(prescriber).screenshot(shot('lifecycle-prescriber-medications'));

    // The therapist sees the warning and the acknowledgement, cannot acknowledge, and finds the decision in history.
    await therapist.reload();
    await eventually(
      () => meds(therapist).getByTestId('interaction-ack').textContent(),
      15_000,
    ).toContain('Low triptan use');
    expect(await meds(therapist).getByTestId('acknowledge-interaction').count()).toBe(0);
    await openDrawer(therapist, 'history');
    const decided = therapist.getByTestId('proposal-history').first();
    expect(await decided.getAttribute('data-status')).toBe('accepted');
    expect(await decided.textContent()).toContain('by Dr. Maya Okafor');
    await therapist
      .locator('[aria-labelledby=history-proposals]')
      .screenshot(shot('lifecycle-therapist-proposal-history'));
  });

  it('downloads the plan as FHIR JSON for the care team', async () => {
    const coordinator = await openPlan('coordinator');
    const [download] = await Promise.all([
      coordinator.waitForEvent('download'),
      coordinator.getByTestId('export-fhir').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^alex-morgan-care-plan-.*\.fhir\.json$/);
    const file = await download.path();
    const bundle = JSON.parse(await readFile(file, 'utf8')) as {
      resourceType: string;
      entry: { resource: { resourceType: string } }[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.map((e) => e.resource.resourceType)).toContain('CarePlan');
    // The coordinator reads history but saves and signs nothing.
    await openDrawer(coordinator, 'history');
    expect(await coordinator.getByTestId('save-version').count()).toBe(0);
    expect(await coordinator.getByTestId('sign-version').count()).toBe(0);
  });
});

describe('recent edits', () => {
  it('shows who edited which part of the plan, live, and leads to that part', async () => {
    const coordinator = await openPlan('coordinator');
    await openDrawer(coordinator, 'history');
    const edits = coordinator.getByTestId('recent-edits');
    await eventually(() => edits.getByTestId('plan-edit').count()).toBeGreaterThan(0);

    const therapist = await openPlan('therapist');
    await therapist.getByTestId('rich-therapy-focus').click();
    await therapist.keyboard.press('Control+End');
    await therapist.keyboard.type(' Exposure hierarchy for social situations.');

    // The coordinator's open drawer follows the live plan: the therapist's stretch comes first.
    const latest = edits.getByTestId('plan-edit').first();
    await eventually(() => latest.getAttribute('data-user')).toBe('Sam Rivera, LCSW');
    expect(await latest.textContent()).toMatch(/Therapist[\s\S]*Edited\s+Therapy[\s\S]*just now/);
    await coordinator.screenshot(shot('lifecycle-recent-edits'));
    // Private notes are not the coordinator's to read, nor to know about.
    expect(await edits.textContent()).not.toContain('Private notes');
    // The therapist sees the same line as their own.
    await openDrawer(therapist, 'history');
    await eventually(() =>
      therapist.getByTestId('recent-edits').getByTestId('plan-edit').first().textContent(),
    ).toContain('Sam Rivera, LCSW (you)');

    await latest.getByTestId('plan-edit-section').click();
    await eventually(() => new URL(coordinator.url()).hash).toBe('#therapy');
    // The section's heading is in view (the viewport is 900 px high).
    await eventually(async () => {
      const box = await coordinator.locator('section#therapy h2').first().boundingBox();
      return box !== null && box.y >= 0 && box.y < 900;
    }).toBe(true);
  });
});
