import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Types } from 'mongoose';
import { Api, DEMO, demoPlans, loginAs } from '../helpers/api.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { screenshot, signedInContext, signInWithEmail } from '../helpers/web.ts';

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ web: true, seedDemo: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openTeam(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await expect.poll(() => new URL(page.url()).pathname).toBe('/team');
  await page.getByTestId('members').waitFor();
}

const memberNames = (page: Page) => page.getByTestId('member').locator('.name').allTextContents();

/** The first password the page shows once, then takes away. */
async function takeInitialPassword(page: Page): Promise<string> {
  const password = await page.getByTestId('initial-password-value').textContent();
  expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  await page.getByRole('button', { name: 'Done' }).click();
  expect(await page.getByTestId('initial-password').count()).toBe(0);
  return password!;
}

/**
 * A clinician or patient the coordinator adds through the API, who has already
 * replaced the first password with `ownPassword` (so the app opens as usual).
 */
async function accountWithOwnPassword(
  kind: 'members' | 'patients',
  body: { email: string; name: string; role?: string },
  ownPassword: string,
) {
  const coordinator = await loginAs(server.url, 'coordinator');
  const [team] = (await coordinator.get<{ id: string }[]>('/teams')).body;
  const created = await coordinator.post<{ initialPassword: string; member?: { id: string } }>(
    `/teams/${team!.id}/${kind}`,
    body,
  );
  const account = await loginAs(server.url, body.email, created.body.initialPassword);
  await account.post('/auth/password', {
    currentPassword: created.body.initialPassword,
    newPassword: ownPassword,
  });
  return { coordinator, teamId: team!.id, memberId: created.body.member?.id };
}

describe("the coordinator's team page", () => {
  it('adds a clinician with a first password, who replaces it and then sees the team’s plans', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await openTeam(page);
    expect(await memberNames(page)).toEqual([
      'Dr. Maya Okafor',
      'Sam Rivera, LCSW',
      'Jordan Lee (you)',
    ]);

    await page.getByRole('button', { name: 'Add a clinician' }).click();
    await page.getByLabel('Email').fill('dana.whitfield@clinic.test');
    // A new account needs a name: the server's reason shows in the form.
    await page.getByRole('button', { name: 'Add to the team' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Give a name to create a new account');
    await page.getByLabel('Name').fill('Dana Whitfield, PMHNP');
    await page.getByLabel('Role in the team').selectOption({ label: 'Prescriber' });
    await page.getByRole('button', { name: 'Add to the team' }).click();
    await page.getByTestId('initial-password').waitFor();
    expect(await page.getByTestId('initial-password').textContent()).toContain(
      'dana.whitfield@clinic.test',
    );
    await screenshot(page, 'team-initial-password');
    const password = await takeInitialPassword(page);
    await expect.poll(() => memberNames(page)).toContain('Dana Whitfield, PMHNP');

    // Someone already on the team is not added twice.
    await page.getByRole('button', { name: 'Add a clinician' }).click();
    await page.getByLabel('Email').fill(DEMO.therapist);
    await page.getByRole('button', { name: 'Add to the team' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('already on the team');
    await page.getByRole('button', { name: 'Cancel' }).click();

    const dana = await browser.newContext();
    const danaPage = await dana.newPage();
    await signInWithEmail(danaPage, server.url, 'dana.whitfield@clinic.test', password);
    // The first password is replaced before anything else.
    await expect.poll(() => new URL(danaPage.url()).pathname).toBe('/account');
    await danaPage.getByLabel('Current password').fill(password);
    await danaPage.getByLabel('New password', { exact: true }).fill('dana’s own passphrase');
    await danaPage.getByLabel('New password again').fill('dana’s own passphrase');
    await danaPage.getByRole('button', { name: 'Change password' }).click();
    await danaPage.getByRole('link', { name: 'Continue' }).click();
    await expect
      .poll(() => danaPage.getByTestId('plan-link').allTextContents())
      .toEqual([expect.stringContaining('Alex Morgan')]);
    // The live connection the server refused to a first password is open now: a role
    // change reaches the page, which reads its plans again.
    const coordinatorApi = await loginAs(server.url, 'coordinator');
    const [team] = (await coordinatorApi.get<{ id: string }[]>('/teams')).body;
    const detail = await coordinatorApi.get<{ members: { id: string; email: string }[] }>(
      `/teams/${team!.id}`,
    );
    const danaId = detail.body.members.find((m) => m.email === 'dana.whitfield@clinic.test')!.id;
    const readAgain = danaPage.waitForResponse((r) => r.url().endsWith('/api/v1/plans'));
    await coordinatorApi.patch(`/teams/${team!.id}/members/${danaId}`, { role: 'therapist' });
    await readAgain;
    await dana.close();
    await context.close();
  });

  it("changes a clinician's role, keeps the last coordinator, and removes a member after asking", async () => {
    const coordinator = await loginAs(server.url, 'coordinator');
    const [team] = (await coordinator.get<{ id: string }[]>('/teams')).body;
    const added = await coordinator.post<{ member: { id: string } }>(`/teams/${team!.id}/members`, {
      email: 'lee.park@clinic.test',
      name: 'Lee Park',
      role: 'therapist',
    });
    expect(added.status).toBe(201);

    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await openTeam(page);
    const roleOf = (name: string) => page.getByLabel(`Role of ${name}`);

    const roleOnServer = async () => {
      const detail = await coordinator.get<{ members: { name: string; role: string }[] }>(
        `/teams/${team!.id}`,
      );
      return detail.body.members.find((m) => m.name === 'Lee Park')?.role;
    };
    await roleOf('Lee Park').selectOption({ label: 'Prescriber' });
    await page.getByRole('button', { name: 'Make Lee Park a prescriber' }).click();
    await expect.poll(roleOnServer).toBe('prescriber');
    // Saved, the menu has focus again and shows the new role.
    await expect
      .poll(() => roleOf('Lee Park').evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true);
    await roleOf('Lee Park').selectOption({ label: 'Therapist' });
    await page.getByRole('button', { name: 'Make Lee Park a therapist' }).click();
    await expect.poll(roleOnServer).toBe('therapist');
    await expect.poll(() => roleOf('Lee Park').isEnabled()).toBe(true);

    // A role is the account's: a clinician's is one of the clinical roles, and neither a
    // coordinator's nor one's own has a menu.
    expect(await roleOf('Lee Park').locator('option').allTextContents()).toEqual([
      'Prescriber',
      'Therapist',
    ]);
    expect(await roleOf('Jordan Lee').count()).toBe(0);

    // The only coordinator cannot leave (the server refuses it too): no Remove is offered.
    expect(await page.getByRole('button', { name: 'Remove Jordan Lee' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove Lee Park' }).count()).toBe(1);

    // Removing asks first; "Keep" leaves the member where they are.
    await page.getByRole('button', { name: 'Remove Lee Park' }).click();
    expect(await page.getByText('Lee Park will no longer see this team').count()).toBe(1);
    await page.getByRole('button', { name: 'Keep' }).click();
    expect(await memberNames(page)).toContain('Lee Park');
    await page.getByRole('button', { name: 'Remove Lee Park' }).click();
    await page.getByRole('button', { name: 'Remove Lee Park from the team' }).click();
    await expect.poll(() => memberNames(page)).not.toContain('Lee Park');
    const detail = await coordinator.get<{ members: { name: string }[] }>(`/teams/${team!.id}`);
    expect(detail.body.members.map((m) => m.name)).not.toContain('Lee Park');
    await context.close();
  });

  it('adds a patient, who replaces the first password before their new plan opens', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await openTeam(page);
    await page.getByRole('button', { name: 'Add a patient' }).click();
    await page.getByLabel('Name').fill('Jamie Ortiz');
    await page.getByLabel('Email').fill('jamie.ortiz@example.test');
    await page.getByLabel('Date of birth').fill('1991-04-12');
    await page.getByRole('button', { name: 'Add the patient' }).click();
    await page.getByTestId('initial-password').waitFor();
    const first = await takeInitialPassword(page);
    const patients = page.getByTestId('patient');
    await expect
      .poll(() => patients.allTextContents())
      .toContainEqual(expect.stringContaining('Jamie Ortiz'));
    const jamie = patients.filter({ hasText: 'Jamie Ortiz' });
    expect(await jamie.textContent()).toContain('born April 12, 1991');
    expect(await page.getByTestId('patients').getByRole('link').count()).toBe(2);
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await context.close();

    // The patient, on a phone, is asked for a password of their own first: no menu,
    // and their plan's address leads back to the account page.
    const patient = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const patientPage = await patient.newPage();
    // Nothing of the plan is read (and audited as opened) while the page is not shown.
    const planReads: string[] = [];
    patientPage.on('request', (r) => {
      if (/\/api\/v1\/plans\/[a-f0-9]{24}/.test(r.url())) planReads.push(r.url());
    });
    await signInWithEmail(patientPage, server.url, 'jamie.ortiz@example.test', first);
    await expect.poll(() => new URL(patientPage.url()).pathname).toBe('/account');
    expect(await patientPage.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Choose your own password',
    );
    expect(await patientPage.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await screenshot(patientPage, 'account-first-password');
    await patientPage.goto(`${server.url}/dashboard`);
    await expect.poll(() => new URL(patientPage.url()).pathname).toBe('/account');
    await patientPage.getByTestId('password-change-due').waitFor();
    const coordinator = await loginAs(server.url, 'coordinator');
    const { body: jamiePlans } =
      await coordinator.get<{ id: string; patient: { name: string } }[]>('/plans');
    const jamiePlan = jamiePlans.find((p) => p.patient.name === 'Jamie Ortiz')!;
    await patientPage.goto(`${server.url}/plans/${jamiePlan.id}`);
    await expect.poll(() => new URL(patientPage.url()).pathname).toBe('/account');
    await patientPage.getByTestId('password-change-due').waitFor();
    expect(planReads).toEqual([]);

    await patientPage.getByLabel('Current password').fill(first);
    await patientPage.getByLabel('New password', { exact: true }).fill('a garden in spring');
    await patientPage.getByLabel('New password again').fill('a garden in sprang');
    await patientPage.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => patientPage.getByRole('alert').textContent())
      .toContain('repetition differ');
    // The message is tied to the field it is about, which has focus.
    const marked = (label: string) =>
      patientPage.getByLabel(label, { exact: true }).evaluate((el) => ({
        invalid: el.getAttribute('aria-invalid'),
        describedBy: el.getAttribute('aria-describedby'),
        focused: el === el.ownerDocument.activeElement,
      }));
    expect(await marked('New password again')).toEqual({
      invalid: 'true',
      describedBy: 'password-error',
      focused: true,
    });
    expect((await marked('Current password')).invalid).toBe('false');
    await patientPage.getByLabel('Current password').fill('not the password');
    await patientPage.getByLabel('New password again').fill('a garden in spring');
    await patientPage.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => patientPage.getByRole('alert').textContent())
      .toContain('current password is not correct');
    await expect
      .poll(() => marked('Current password'))
      .toEqual({
        invalid: 'true',
        describedBy: 'password-error',
        focused: true,
      });
    expect((await marked('New password again')).invalid).toBe('false');
    await patientPage.getByLabel('Current password').fill(first);
    await patientPage.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => patientPage.getByRole('status').textContent())
      .toContain('Your password is changed');
    await screenshot(patientPage, 'account-password-changed');
    const accountViolations = await seriousViolations(patientPage);
    expect(accountViolations, JSON.stringify(accountViolations, null, 2)).toEqual([]);
    // Then the app opens: their own new, empty plan.
    await patientPage.getByRole('link', { name: 'Continue' }).click();
    await expect.poll(() => new URL(patientPage.url()).pathname).toMatch(/^\/plans\//);
    await expect
      .poll(() => patientPage.getByText('You and your care team have not set goals yet').count())
      .toBe(1);
    expect(await patientPage.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
    await patient.close();

    const login = (password: string) =>
      new Api(server.url).post('/auth/login', { email: 'jamie.ortiz@example.test', password });
    expect((await login(first)).status).toBe(401);
    expect((await login('a garden in spring')).status).toBe(200);
  });
});

describe('the team page with the keyboard', () => {
  /** The focused element's tag (BODY when focus fell to the page) and id. */
  const active = (page: Page) => page.evaluate<string>('document.activeElement?.tagName ?? ""');
  const activeId = (page: Page) => page.evaluate<string>('document.activeElement?.id ?? ""');
  /** Whether the button of this accessible name has focus. */
  const focusedButton = (page: Page, name: string) =>
    page
      .getByRole('button', { name, exact: true })
      .evaluate((el) => el === el.ownerDocument.activeElement)
      .catch(() => false);

  it('asks before a role changes: the arrow keys on the menu only propose it, naming what it changes', async () => {
    const coordinator = await loginAs(server.url, 'coordinator');
    const [team] = (await coordinator.get<{ id: string }[]>('/teams')).body;
    const roleOnServer = async () => {
      const detail = await coordinator.get<{ members: { name: string; role: string }[] }>(
        `/teams/${team!.id}`,
      );
      return detail.body.members.find((m) => m.name === 'Dr. Maya Okafor')?.role;
    };
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await openTeam(page);
    const select = page.getByLabel('Role of Dr. Maya Okafor');
    await select.focus();
    await page.keyboard.press('ArrowDown');
    // A look at the choices: nothing is saved, the menu keeps focus, and the change waits.
    await expect.poll(() => select.inputValue()).toBe('therapist');
    const note = page.getByText('As a therapist Dr. Maya Okafor will no longer write medications');
    await expect.poll(() => note.count()).toBe(1);
    expect(await select.isEnabled()).toBe(true);
    expect(await active(page)).toMatch(/^SELECT/);
    expect(await roleOnServer()).toBe('prescriber');
    const confirm = page.getByRole('button', { name: 'Make Dr. Maya Okafor a therapist' });
    expect(await confirm.getAttribute('aria-describedby')).toBe(await note.getAttribute('id'));
    expect(await roleOnServer()).toBe('prescriber');

    // Back to her role: nothing waits any more.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => confirm.count()).toBe(0);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => confirm.count()).toBe(1);

    // "Keep" puts the menu back on her role, and focus on the menu.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedButton(page, 'Keep prescriber')).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => confirm.count()).toBe(0);
    expect(await select.inputValue()).toBe('prescriber');
    expect(await activeId(page)).toBe(await select.getAttribute('id'));
    expect(await roleOnServer()).toBe('prescriber');

    // Confirmed, it is saved, and focus is on the menu again.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    expect(await focusedButton(page, 'Make Dr. Maya Okafor a therapist')).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(roleOnServer).toBe('therapist');
    await expect.poll(() => confirm.count()).toBe(0);
    await expect.poll(() => activeId(page)).toBe(await select.getAttribute('id'));
    expect(await select.inputValue()).toBe('therapist');

    await select.selectOption({ label: 'Prescriber' });
    await page.getByRole('button', { name: 'Make Dr. Maya Okafor a prescriber' }).click();
    await expect.poll(roleOnServer).toBe('prescriber');
    await context.close();
  });

  it('keeps focus on the change being asked about, the new form and the button it came from', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await openTeam(page);
    const press = async (name: string) => {
      await page.getByRole('button', { name, exact: true }).focus();
      await page.keyboard.press('Enter');
    };

    // The confirmation opens on Keep: pressing Enter twice changes nothing.
    await press('Remove Sam Rivera, LCSW');
    await expect.poll(() => focusedButton(page, 'Keep')).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedButton(page, 'Remove Sam Rivera, LCSW')).toBe(true);

    await press('New password Sam Rivera, LCSW');
    await expect.poll(() => focusedButton(page, 'Keep')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focusedButton(page, 'Set a new password for Sam Rivera, LCSW')).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Keep
    await expect.poll(() => focusedButton(page, 'New password Sam Rivera, LCSW')).toBe(true);

    await press('Add a clinician');
    await expect.poll(() => activeId(page)).toBe('member-email');
    await page.getByTestId('add-member').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => activeId(page)).toBe('add-member-button');

    await press('Add a patient');
    await expect.poll(() => activeId(page)).toBe('patient-name');

    // Sent empty: the form says what is missing, tied to those fields, from the first of them.
    await press('Add the patient');
    const form = page.getByTestId('add-patient');
    const error = form.getByRole('alert');
    await expect.poll(() => error.count()).toBe(1);
    const errorId = await error.getAttribute('id');
    expect(errorId).toBeTruthy();
    const marks = await form
      .locator('input')
      .evaluateAll((fields) =>
        fields.map((f) => [
          f.id,
          f.getAttribute('aria-invalid'),
          f.getAttribute('aria-describedby'),
        ]),
      );
    expect(marks).toEqual([
      ['patient-name', 'true', errorId],
      ['patient-email', 'true', errorId],
      ['patient-birth', null, null],
    ]);
    expect(await error.textContent()).toMatch(/^Name: .+ Email: .+/);
    expect(await activeId(page)).toBe('patient-name');
    await context.close();
  });
});

describe('a forgotten password', () => {
  it('is replaced by a first password the coordinator hands over; the old sessions end', async () => {
    await accountWithOwnPassword(
      'patients',
      { name: 'Morgan Reyes', email: 'morgan.reyes@example.test' },
      'morgan’s own passphrase',
    );
    const patient = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const patientPage = await patient.newPage();
    await signInWithEmail(
      patientPage,
      server.url,
      'morgan.reyes@example.test',
      'morgan’s own passphrase',
    );
    await expect.poll(() => new URL(patientPage.url()).pathname).toMatch(/^\/plans\//);

    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await openTeam(page);
    await page.getByRole('button', { name: 'New password Morgan Reyes' }).click();
    expect(await page.getByText("Morgan Reyes's current password stops working").count()).toBe(1);
    await page.getByRole('button', { name: 'Set a new password for Morgan Reyes' }).click();
    await page.getByTestId('initial-password').waitFor();
    expect(await page.getByTestId('initial-password').textContent()).toContain(
      'morgan.reyes@example.test',
    );
    const first = await takeInitialPassword(page);
    await context.close();

    // The patient's open page was signed out, and only the new password signs in.
    await expect.poll(() => new URL(patientPage.url()).pathname).toBe('/login');
    const login = (password: string) =>
      new Api(server.url).post('/auth/login', { email: 'morgan.reyes@example.test', password });
    expect((await login('morgan’s own passphrase')).status).toBe(401);
    await signInWithEmail(patientPage, server.url, 'morgan.reyes@example.test', first);
    await expect.poll(() => new URL(patientPage.url()).pathname).toBe('/account');
    await patient.close();
  });
});

describe('a change to someone’s place in the team', () => {
  it('reaches the plan they have open: a new role’s sections open, and a removal closes it', async () => {
    const { coordinator, teamId, memberId } = await accountWithOwnPassword(
      'members',
      { email: 'robin.hale@clinic.test', name: 'Robin Hale', role: 'therapist' },
      'robin’s own passphrase',
    );

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signInWithEmail(page, server.url, 'robin.hale@clinic.test', 'robin’s own passphrase');
    const { north } = await demoPlans(server.url);
    await page.goto(`${server.url}/plans/${north}`);
    const saved = () => page.getByTestId('save-state').getAttribute('data-state');
    await expect.poll(saved, { timeout: 15_000 }).toBe('saved');
    const meds = page.locator('section#medications');
    expect(await meds.getAttribute('data-access')).toBe('read');
    expect(await page.getByTestId('plan-role').textContent()).toMatch(/editing as therapist/);

    // Made a prescriber while the plan is open: the medications open for them without a reload.
    const member = `/teams/${teamId}/members/${memberId}`;
    expect((await coordinator.patch(member, { role: 'prescriber' })).status).toBe(200);
    await expect.poll(() => meds.getAttribute('data-access')).toBe('write');
    expect(await page.getByTestId('plan-role').textContent()).toMatch(/editing as prescriber/);
    await expect.poll(saved, { timeout: 15_000 }).toBe('saved');
    expect(await meds.locator('table input').count()).toBeGreaterThan(0);
    // The editors of the old view were taken down cleanly.
    expect(errors).toEqual([]);

    // Removed from the team: the plan says it is no longer theirs to see.
    expect((await coordinator.delete(member)).status).toBe(204);
    await expect
      .poll(() => page.getByTestId('page-error').textContent())
      .toContain('This plan is not available');
    expect(await page.getByText('Sertraline').count()).toBe(0);
    await context.close();
  });
});

describe('a coordinator of two teams', () => {
  // The demo's South Team has no coordinator to add one: North's joins it in the database.
  type Member = { userId: Types.ObjectId; role: string; addedAt: Date };
  const teams = () =>
    server.tandem.ctx.conn.collection<{ name: string; members: Member[] }>('teams');
  let coordinator: Awaited<ReturnType<typeof loginAs>>;
  beforeAll(async () => {
    coordinator = await loginAs(server.url, 'coordinator');
    const userId = new Types.ObjectId(coordinator.user.id);
    await teams().updateOne(
      { name: 'South Team' },
      { $push: { members: { userId, role: 'coordinator', addedAt: new Date() } } },
    );
  });
  afterAll(async () => {
    const userId = new Types.ObjectId(coordinator.user.id);
    await teams().updateOne({ name: 'South Team' }, { $pull: { members: { userId } } });
  });

  it('picks the team the page shows, and each shows its own people and patients', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    await openTeam(page);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('North Team');
    await page.getByLabel('Team', { exact: true }).selectOption({ label: 'South Team' });
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('South Team');
    expect(new URL(page.url()).searchParams.get('team')).not.toBeNull();
    await expect.poll(() => memberNames(page)).toEqual(['Dr. Priya Nair', 'Jordan Lee (you)']);
    expect(await page.getByTestId('patient').allTextContents()).toEqual([
      expect.stringContaining('Casey Brooks'),
    ]);
    await context.close();
  });

  it('reads an open plan again when its clinician joins another team, keeping what they had open', async () => {
    // Their role in this plan's team does not change, so the comments they read stay open.
    const { teamId: north } = await accountWithOwnPassword(
      'members',
      { email: 'lee.chan@clinic.test', name: 'Lee Chan', role: 'therapist' },
      'lee’s own passphrase',
    );
    const lee = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const leePage = await lee.newPage();
    const planReads: string[] = [];
    leePage.on('request', (r) => {
      if (/\/api\/v1\/plans\/[a-f0-9]{24}$/.test(r.url())) planReads.push(r.url());
    });
    await signInWithEmail(leePage, server.url, 'lee.chan@clinic.test', 'lee’s own passphrase');
    await leePage.getByTestId('plan-link').first().click();
    await expect
      .poll(() => leePage.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('saved');
    await leePage.getByTestId('open-comments').click();
    const drawer = leePage.getByTestId('lifecycle-drawer');
    await expect.poll(() => drawer.getAttribute('data-view')).toBe('comments');
    expect(planReads).toHaveLength(1);
    const south = (await coordinator.get<{ id: string; name: string }[]>('/teams')).body.find(
      (t) => t.name === 'South Team',
    )!;
    expect(south.id).not.toBe(north);
    const readAgain = leePage.waitForResponse((r) =>
      /\/api\/v1\/plans\/[a-f0-9]{24}$/.test(r.url()),
    );
    const joined = await coordinator.post(`/teams/${south.id}/members`, {
      email: 'lee.chan@clinic.test',
      role: 'therapist',
    });
    expect(joined.status).toBe(201);
    await readAgain;
    expect(planReads).toHaveLength(2);
    // Two frames: the page has taken in what it read.
    await leePage.evaluate(
      'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
    );
    expect(await drawer.count()).toBe(1);
    expect(await drawer.getAttribute('data-view')).toBe('comments');
    await lee.close();
  });
});

describe('the team page for others', () => {
  it('shows a therapist the team without the coordinator’s controls', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'therapist');
    await openTeam(page);
    expect(await memberNames(page)).toContain('Sam Rivera, LCSW (you)');
    expect(await page.getByTestId('member').first().textContent()).toContain('Prescriber');
    expect(await page.locator('main select, main button').count()).toBe(0);

    // Their own password is theirs to change at any time, from the menu.
    await page.getByTestId('user-menu').click();
    await page.getByRole('link', { name: 'Change password' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/account');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    expect(await page.getByTestId('password-change-due').count()).toBe(0);
    await context.close();
  });

  it('is not the patient’s: no menu entry, and the address says so', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'patient');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Team' }).count()).toBe(0);
    await page.goto(`${server.url}/team`);
    await expect.poll(() => page.getByTestId('page-error').getAttribute('data-status')).toBe('403');
    expect(await page.getByTestId('members').count()).toBe(0);
    expect(await page.getByText('Sam Rivera').count()).toBe(0);
    await context.close();
  });

  it('fits a phone, with the confirmation of a removal', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator', {
      viewport: { width: 360, height: 800 },
    });
    await openTeam(page);
    await page.getByRole('button', { name: 'Remove Sam Rivera, LCSW' }).click();
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'team-phone');
    await page.getByRole('button', { name: 'Keep' }).click();
    await context.close();
  });
});
