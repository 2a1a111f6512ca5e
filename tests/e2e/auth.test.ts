import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SESSION_COOKIE } from '@tandem/shared';
import { Api, DEMO, demoPlans, type DemoUser } from '../helpers/api.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { screenshot, signedInContext, signInThroughForm } from '../helpers/web.ts';

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

const pathOf = (page: Page) => new URL(page.url()).pathname;

async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

describe('signing in', () => {
  const clinicians: { who: DemoUser; team: string; patient: string }[] = [
    { who: 'prescriber', team: 'North Team', patient: 'Alex Morgan' },
    { who: 'therapist', team: 'North Team', patient: 'Alex Morgan' },
    { who: 'coordinator', team: 'North Team', patient: 'Alex Morgan' },
    { who: 'prescriber2', team: 'South Team', patient: 'Casey Brooks' },
  ];

  for (const { who, team, patient } of clinicians) {
    it(`takes the ${who} to a dashboard of their team's patients`, async () => {
      const page = await freshPage();
      await signInThroughForm(page, server.url, who);
      await expect.poll(() => pathOf(page)).toBe('/dashboard');
      const group = page.getByTestId('team-group');
      await expect.poll(() => group.count()).toBe(1);
      expect(await group.getByRole('heading', { level: 2 }).textContent()).toBe(team);
      const links = group.getByTestId('plan-link');
      expect(await links.allTextContents()).toEqual([expect.stringContaining(patient)]);
      if (who === 'prescriber') await screenshot(page, 'dashboard-prescriber');

      await links.first().click();
      const planId = who === 'prescriber2' ? plans.south : plans.north;
      await expect.poll(() => pathOf(page)).toBe(`/plans/${planId}`);
      await page.context().close();
    });
  }

  for (const [who, plan] of [
    ['patient', 'north'],
    ['patient2', 'south'],
  ] as const) {
    it(`takes ${who} straight to their own plan`, async () => {
      const page = await freshPage();
      await signInThroughForm(page, server.url, who);
      await expect.poll(() => pathOf(page)).toBe(`/plans/${plans[plan]}`);
      await page.context().close();
    });
  }

  it('signs in with no error or warning in the browser console', async () => {
    const page = await freshPage();
    const messages: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') messages.push(m.text());
    });
    page.on('pageerror', (e) => messages.push(e.message));
    await signInThroughForm(page, server.url, 'therapist');
    await expect.poll(() => page.getByTestId('plan-card').count()).toBe(1);
    expect(messages).toEqual([]);
    await page.context().close();
  });

  it('says so when the password is wrong, and keeps the person on the login page', async () => {
    const page = await freshPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(DEMO.therapist);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByTestId('login-error');
    await expect.poll(() => error.getAttribute('data-kind')).toBe('credentials');
    expect(await error.textContent()).toContain('do not match');
    expect(pathOf(page)).toBe('/login');
    // The password field is cleared and focused for the next try.
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    // …and is told where a forgotten password is replaced.
    expect(await page.getByTestId('forgot-password').textContent()).toContain('care coordinator');
    await screenshot(page, 'login-wrong-password');
    await page.context().close();
  });

  it('ties each message to the fields it is about, and takes the person to the first of them', async () => {
    const page = await freshPage();
    await page.goto(`${server.url}/login`);
    const email = page.getByLabel('Email');
    const password = page.getByLabel('Password');
    const state = (field: typeof email) =>
      field.evaluate((el) => ({
        invalid: el.getAttribute('aria-invalid'),
        describedBy: el.getAttribute('aria-describedby'),
        focused: el === el.ownerDocument.activeElement,
      }));
    const error = page.getByTestId('login-error');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => error.count()).toBe(1);
    const errorId = await error.getAttribute('id');
    expect(errorId).toBeTruthy();
    expect(await state(email)).toEqual({ invalid: 'true', describedBy: errorId, focused: true });
    expect(await state(password)).toEqual({
      invalid: 'true',
      describedBy: errorId,
      focused: false,
    });

    // Only the password missing: only it is marked, and has focus.
    await email.fill(DEMO.therapist);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => error.textContent()).toContain('Enter your password.');
    expect(await state(email)).toEqual({ invalid: 'false', describedBy: null, focused: false });
    expect(await state(password)).toEqual({ invalid: 'true', describedBy: errorId, focused: true });

    // Wrong credentials: both are in question; the password, cleared, has focus to type again.
    await password.fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => error.getAttribute('data-kind')).toBe('credentials');
    expect(await state(email)).toEqual({ invalid: 'true', describedBy: errorId, focused: false });
    await expect
      .poll(() => state(password))
      .toEqual({
        invalid: 'true',
        describedBy: errorId,
        focused: true,
      });
    await page.context().close();
  });

  it('tells the person how long to wait once sign-in is rate limited', async () => {
    const page = await freshPage();
    await page.goto(`${server.url}/login`);
    const error = page.getByTestId('login-error');
    // An address with no account: the per-account limit applies all the same.
    await page.getByLabel('Email').fill('nobody-here@demo.test');
    const kind = async () =>
      (await error.count()) === 0 ? null : await error.getAttribute('data-kind');
    for (let attempt = 0; attempt < 10 && (await kind()) !== 'rate_limited'; attempt++) {
      await page.getByLabel('Password').fill(`guess-${attempt}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => error.count()).toBe(1);
      await expect
        .poll(() => page.getByRole('button', { name: /Sign/ }).textContent())
        .toBe('Sign in');
    }
    await expect.poll(() => error.getAttribute('data-kind')).toBe('rate_limited');
    expect(await error.textContent()).toMatch(/try again in \d+ minutes/);
    await page.getByLabel('Password').fill('another-guess');
    expect(await page.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
    await screenshot(page, 'login-rate-limited');
    await page.context().close();
  });

  it('explains when Tandem cannot be reached', async () => {
    const page = await freshPage();
    await page.goto(`${server.url}/login`);
    await page.route('**/api/v1/auth/login', (route) => route.abort('internetdisconnected'));
    await page.getByLabel('Email').fill(DEMO.therapist);
    await page.getByLabel('Password').fill('tandem-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByTestId('login-error');
    await expect.poll(() => error.getAttribute('data-kind')).toBe('network');
    expect(await error.textContent()).toContain('cannot be reached');
    await page.context().close();
  });

  it('sends a signed-out visitor of a plan to the login page and back to the plan', async () => {
    const page = await freshPage();
    await page.goto(`${server.url}/plans/${plans.north}`);
    await expect.poll(() => pathOf(page)).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/plans/${plans.north}`);
    await page.getByLabel('Email').fill(DEMO.therapist);
    await page.getByLabel('Password').fill('tandem-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => pathOf(page)).toBe(`/plans/${plans.north}`);
    await page.context().close();
  });
});

describe('signing out and session end', () => {
  it('signs out from the user menu and returns to the login page', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await page.getByTestId('user-menu').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => pathOf(page)).toBe('/login');
    expect(await page.getByTestId('login-reason').textContent()).toContain('signed out');
    // The session is gone on the server, not only in this tab.
    await page.goto(`${server.url}/dashboard`);
    await expect.poll(() => pathOf(page)).toBe('/login');
    await context.close();
  });

  it('returns to the login page with a message when the session ends elsewhere', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'therapist');
    await expect.poll(() => pathOf(page)).toBe('/dashboard');
    const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toBeDefined();
    // The same session ended by another client: the server tells the open tab over Socket.IO.
    const res = await new Api(server.url, cookie!.value).post('/auth/logout');
    expect(res.status).toBe(204);
    await expect.poll(() => page.url()).toContain('/login?reason=expired');
    expect(await page.getByTestId('login-reason').textContent()).toContain('session ended');
    await screenshot(page, 'login-session-expired');
    await context.close();
  });

  it('treats a 401 from the API as an ended session', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'prescriber');
    await expect.poll(() => pathOf(page)).toBe('/dashboard');
    // The header loads notifications and the dashboard its conference corner on arrival: let
    // those calls finish, so the refused call is the click's. (One still in flight when the
    // cookie went was refused instead, and led to the login page before the click.)
    const arrivalCalls = ['/notifications', '/conferences', '/action-items'].map((p) =>
      page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1${p}`),
    );
    await page.reload();
    await Promise.all(arrivalCalls);
    await expect
      .poll(() => page.getByTestId('notifications-toggle').getAttribute('data-loaded'))
      .toBe('true');
    // Drop the cookie so the next API call is refused, as after an expiry the socket missed.
    await context.clearCookies();
    // A call the page makes by itself (the list reloading when a plan's standing changes) can be
    // the refused one and lead away before the click lands: either way a 401 ended the session.
    await page
      .getByTestId('plan-link')
      .first()
      .click({ timeout: 5_000 })
      .catch(() => {});
    await expect.poll(() => page.url()).toContain('/login?reason=expired');
    await context.close();
  });
});
