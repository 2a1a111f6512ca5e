import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

describe('the app frame with the keyboard and at zoom', () => {
  const sideways = (page: Page, selector: string) =>
    page.$eval(selector, (el) => el.scrollWidth - el.clientWidth);

  it('shows every menu entry without sideways scrolling at 640 and 320 px, and marks the page on screen', async () => {
    for (const width of [640, 320]) {
      const { context, page } = await signedInContext(browser, server.url, 'coordinator', {
        viewport: { width, height: 800 },
      });
      await expect.poll(() => page.getByTestId('plan-link').count()).toBeGreaterThan(0);
      const nav = page.getByRole('navigation', { name: 'Main' });
      const links = nav.getByRole('link');
      expect(await links.count()).toBe(4);
      expect(await sideways(page, 'nav[aria-label=Main]')).toBeLessThanOrEqual(0);
      for (const link of await links.all()) {
        const box = (await link.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
      }
      // Nothing on the dashboard is wider than the screen.
      expect(await sideways(page, 'html')).toBeLessThanOrEqual(0);

      const current = () =>
        nav.evaluate((el) =>
          [...el.querySelectorAll('a')].map((a) => a.getAttribute('aria-current')),
        );
      expect(await current()).toEqual(['page', null, null, null]);
      await nav.getByRole('link', { name: 'Team' }).click();
      await expect.poll(current).toEqual([null, null, 'page', null]);
      // Seen too, not only heard: a bar under the entry.
      const bar = await nav
        .getByRole('link', { name: 'Team' })
        .evaluate((a) => a.ownerDocument.defaultView!.getComputedStyle(a).borderBottomColor);
      const none = await nav
        .getByRole('link', { name: 'Conferences' })
        .evaluate((a) => a.ownerDocument.defaultView!.getComputedStyle(a).borderBottomColor);
      expect(bar).not.toBe(none);
      await context.close();
    }
  });

  it('gives each page one main landmark, which the skip link focuses', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'coordinator');
    for (const path of ['/dashboard', '/team', '/conferences', '/audit', '/account']) {
      await page.goto(`${server.url}${path}`);
      await page.locator('h1').first().waitFor();
      expect(await page.locator('main, [role=main]').count(), path).toBe(1);
      await page.keyboard.press('Tab');
      expect(await page.evaluate<string>('document.activeElement?.textContent')).toBe(
        'Skip to content',
      );
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate<string>('document.activeElement?.tagName'), { message: path })
        .toBe('MAIN');
    }
    await context.close();
  });

  it('closes the notifications and the user menu once focus moves on past them', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'prescriber');
    await expect.poll(() => page.getByTestId('plan-link').count()).toBeGreaterThan(0);
    const inside = (selector: string) =>
      page.evaluate<boolean>(
        `document.querySelector(${JSON.stringify(selector)})?.contains(document.activeElement) ?? false`,
      );

    await page.getByTestId('notifications-toggle').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('notifications-panel').count()).toBe(1);
    for (let i = 0; i < 30 && (await inside('.notifications')); i++) {
      await page.keyboard.press('Tab');
    }
    expect(await inside('.notifications')).toBe(false);
    await expect.poll(() => page.getByTestId('notifications-panel').count()).toBe(0);

    await page.getByTestId('user-menu').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#user-menu-panel').count()).toBe(1);
    // Back before the menu, past the bell.
    await page.keyboard.press('Shift+Tab');
    expect(await inside('.user-menu')).toBe(false);
    await expect.poll(() => page.locator('#user-menu-panel').count()).toBe(0);
    // Clicking the panel's own text keeps it open.
    await page.getByTestId('user-menu').click();
    await page.getByText('Signed in as').click();
    expect(await page.locator('#user-menu-panel').count()).toBe(1);
    await context.close();
  });
});

// ——— Keyboard and screen-reader use of the plan workspace ———
// Tests here are run as strings in the page: the tests are compiled without the DOM library.

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** The axe rules among `ids` that the page (or the element `within` selects) breaks, whatever their impact. */
async function brokenRules(page: Page, ids: string[], within?: string): Promise<string[]> {
  await page.evaluate(axeSource);
  const context = within ? `document.querySelector(${JSON.stringify(within)})` : 'document';
  return page.evaluate<string[]>(
    `axe.run(${context}, { runOnly: { type: 'rule', values: ${JSON.stringify(ids)} }, resultTypes: ['violations'] })
      .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
  );
}

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

async function openWorkspace(
  who: 'prescriber' | 'therapist' | 'coordinator',
  viewport = LAPTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await signedInContext(browser, server.url, who, { viewport });
  await page.goto(`${server.url}/plans/${plans.north}`);
  await expect.poll(() => saved(page), { timeout: 20_000 }).toBe('saved');
  return { context, page };
}

/** What has the keyboard: its id, else its accessible label, else its tag. */
const focusedControl = (page: Page) =>
  page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'BODY';
    return el.id || el.getAttribute('aria-label') || el.getAttribute('data-testid') || el.tagName;
  })()`);
const focusedLabel = (page: Page) =>
  page.evaluate<string>(`document.activeElement?.getAttribute('aria-label') ?? ''`);
const announced = (page: Page) => page.getByTestId('plan-announcement').textContent();

describe('keyboard and screen-reader use of the plan', () => {
  it('reads out no save state while someone types', async () => {
    const { context, page } = await openWorkspace('prescriber');
    // Counts every text change of every live region, as a screen reader would hear them.
    await page.evaluate(`(() => {
      window.__heard = [];
      const seen = new WeakMap();
      const check = () => {
        for (const el of document.querySelectorAll('[aria-live],[role=status],[role=alert],[role=log]')) {
          if (el.getAttribute('aria-live') === 'off') continue;
          const t = (el.textContent || '').replace(/\\s+/g, ' ').trim();
          if (seen.get(el) !== t) { seen.set(el, t); if (t) window.__heard.push(t); }
        }
      };
      check();
      window.__heard = [];
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);
    const words = page.locator('textarea[id$=-words]').first();
    await words.focus();
    await page.keyboard.press('End');
    await page.keyboard.type(' and walk daily', { delay: 120 });
    await expect.poll(() => saved(page), { timeout: 10_000 }).toBe('saved');
    expect(await page.getByTestId('save-state').textContent()).toContain('All changes saved');
    expect(await page.evaluate<string[]>('window.__heard')).toEqual([]);
    for (let i = 0; i < 15; i++) await page.keyboard.press('Backspace');
    await context.close();
  });

  it('moves the keyboard on, and says so, when a goal, list entry, medication or titration step is removed', async () => {
    const { context, page } = await openWorkspace('prescriber');
    for (const title of ['Focus goal A', 'Focus goal B']) {
      await page.getByTestId('new-goal').fill(title);
      await page.getByTestId('new-goal').press('Enter');
    }
    await page.getByRole('button', { name: 'Remove goal “Focus goal A”' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedLabel(page)).toBe('Remove goal “Focus goal B”');
    await expect.poll(() => announced(page)).toContain('Goal “Focus goal A” removed.');
    // The last goal removed: the keyboard goes back to the one before it.
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedLabel(page)).toMatch(/^Remove goal “(?!Focus goal)/);

    // A list entry (education topics): the only one removed, the keyboard goes to the field that adds one.
    await page.locator('#add-educationTopics').fill('Focus topic');
    await page.locator('#add-educationTopics').press('Enter');
    const removeTopic = page.getByRole('button', { name: 'Remove topic “Focus topic”' });
    await expect.poll(() => removeTopic.count()).toBe(1);
    const topics = await page.locator('[data-list=educationTopics] .entry').count();
    await removeTopic.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedControl(page)).not.toBe('BODY');
    expect(await focusedControl(page)).toMatch(
      topics === 1 ? /^add-educationTopics$/ : /^educationTopics-.*-remove$/,
    );
    await expect.poll(() => announced(page)).toContain('Topic “Focus topic” removed.');

    // A medication with two titration steps.
    await page.locator('#new-medication').fill('Focusmed');
    await page.locator('#new-medication').press('Enter');
    const addStep = page.getByRole('button', { name: 'Add titration step' }).last();
    await addStep.click();
    await addStep.click();
    const removeStep1 = page.getByRole('button', { name: 'Remove titration step 1 of Focusmed' });
    await expect.poll(() => removeStep1.count()).toBe(1);
    await removeStep1.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedLabel(page)).toBe('Remove titration step 1 of Focusmed');
    await expect.poll(() => announced(page)).toContain('Titration step 1 of Focusmed removed.');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate<string>(`document.activeElement?.textContent?.trim() ?? ''`))
      .toBe('Add titration step');
    await page.getByRole('button', { name: 'Remove Focusmed from the plan' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => announced(page)).toContain('Focusmed removed from the plan.');
    expect(await focusedLabel(page)).toMatch(/^Details of (?!Focusmed)/);
    await context.close();
  });

  it('names each titration step’s fields and each medication’s name field apart', async () => {
    const { context, page } = await openWorkspace('prescriber');
    await page.locator('#new-medication').fill('Namemed');
    await page.locator('#new-medication').press('Enter');
    const addStep = page.getByRole('button', { name: 'Add titration step' }).last();
    await addStep.click();
    await addStep.click();
    for (const step of [1, 2]) {
      for (const field of ['From week', 'Dose (mg)', 'Note']) {
        const name = `${field}, step ${step} of Namemed`;
        await expect
          .poll(() => page.getByLabel(name, { exact: true }).count(), { message: name })
          .toBe(1);
      }
    }
    const names = await page
      .locator('[data-testid=medication] input.med-name')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(names.length).toBeGreaterThan(1);
    expect(new Set(names).size).toBe(names.length);
    await page.getByRole('button', { name: 'Remove Namemed from the plan' }).click();
    await context.close();
  });

  it('keeps a focused control clear of the sticky header and presence bar', async () => {
    for (const viewport of [LAPTOP, PHONE]) {
      const { context, page } = await openWorkspace('prescriber', viewport);
      await page.locator('[data-section=privateNotes] [contenteditable]').focus();
      const hidden: string[] = [];
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Shift+Tab');
        const r = await page.evaluate<{
          inBars: boolean;
          top: number;
          cover: number;
          name: string;
        }>(`(() => {
          const el = document.activeElement;
          const b = el.getBoundingClientRect();
          const cover = Math.max(document.querySelector('.app-header').getBoundingClientRect().bottom,
            document.querySelector('.bar').getBoundingClientRect().bottom);
          return { inBars: !!el.closest('.app-header, .bar, .plan-header'), top: b.top, cover,
            name: el.id || el.getAttribute('aria-label') || el.tagName };
        })()`);
        if (r.inBars) break;
        if (r.top < r.cover - 1)
          hidden.push(`${r.name} top ${Math.round(r.top)} under ${Math.round(r.cover)}`);
      }
      expect(hidden, `${viewport.width}px`).toEqual([]);
      await context.close();
    }
  });

  it('draws a focus ring of at least 3:1 against white and the page', async () => {
    const { context, page } = await openWorkspace('prescriber');
    await page.getByTestId('new-goal').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    const shadow = await page.evaluate<string>(
      `getComputedStyle(document.activeElement).boxShadow`,
    );
    // The outermost ring (largest spread) is what meets the background.
    const rings = [...shadow.matchAll(/rgba?\(([^)]+)\)[^,]*?(\d+)px(?=,|$)/g)].map((m) => ({
      rgba: m[1]!.split(',').map(Number),
      spread: Number(m[2]),
    }));
    const ring = rings.sort((a, b) => b.spread - a.spread)[0]!;
    const over = (bg: number[]) => {
      const a = ring.rgba[3] ?? 1;
      return ring.rgba.slice(0, 3).map((c, i) => c * a + bg[i]! * (1 - a));
    };
    const luminance = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: number[], b: number[]) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
      return (x! + 0.05) / (y! + 0.05);
    };
    for (const bg of [
      [255, 255, 255],
      [0xf6, 0xf7, 0xf5],
    ]) {
      expect(contrast(over(bg), bg), `${shadow} on rgb(${bg})`).toBeGreaterThanOrEqual(3);
    }
    await context.close();
  });

  it('has one main landmark and no second banner on the workspace; the presence dot is no unnamed label', async () => {
    const { context, page } = await openWorkspace('prescriber');
    const therapist = await openWorkspace('therapist');
    // The therapist is somewhere in the plan: its section shows a dot in the prescriber's contents.
    await expect
      .poll(() => page.locator('.toc .here-dot').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(
      await brokenRules(page, [
        'landmark-one-main',
        'landmark-no-duplicate-banner',
        'landmark-unique',
        'region',
        'aria-prohibited-attr',
      ]),
    ).toEqual([]);
    // The skip link still lands on the plan.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedControl(page)).toBe('main');
    expect(await page.evaluate<boolean>(`!!document.activeElement.querySelector('main h1')`)).toBe(
      true,
    );
    await therapist.context.close();
    await context.close();
  });

  it('reads out colleagues opening and leaving the plan', async () => {
    const { context, page } = await openWorkspace('prescriber');
    await page.waitForTimeout(2_500); // past the first moments, when the list fills in silently
    const therapist = await openWorkspace('therapist');
    await expect.poll(() => announced(page), { timeout: 10_000 }).toContain('opened the plan');
    await therapist.context.close();
    await expect.poll(() => announced(page), { timeout: 15_000 }).toContain('left the plan');
    await context.close();
  });

  it('keeps the keyboard in the drawer on a phone, with the plan behind it out of reach', async () => {
    const { context, page } = await openWorkspace('prescriber', PHONE);
    await page.getByTestId('open-comments').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedControl(page)).toBe('lifecycle-drawer-title');
    const inDrawer = () =>
      page.evaluate<boolean>(`!!document.activeElement?.closest('#lifecycle-drawer')`);
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await inDrawer(), `Shift+Tab ${i + 1}`).toBe(true);
    }
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      expect(await inDrawer(), `Tab ${i + 1}`).toBe(true);
    }
    expect(await page.locator('main.workspace').getAttribute('inert')).not.toBeNull();
    expect(await page.getByTestId('lifecycle-drawer').getAttribute('aria-modal')).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('lifecycle-drawer').count()).toBe(0);
    await expect.poll(() => focusedControl(page)).toBe('open-comments');
    expect(await page.locator('main.workspace').getAttribute('inert')).toBeNull();
    await context.close();
  });

  it('moves the keyboard on after resolving a conversation, names its buttons, and Escape still closes the drawer', async () => {
    const { context, page } = await openWorkspace('therapist');
    await page.getByTestId('open-comments').click();
    const goal = page.getByTestId('comments-goal').first();
    const goalTitle = (await goal.locator('h3').textContent())!.replace(/^\d+/, '').trim();
    await goal.getByTestId('start-comment').click();
    await page.keyboard.type('Checking in on sleep this week.');
    await goal.getByRole('button', { name: 'Comment', exact: true }).click();
    const resolve = goal.getByRole('button', { name: `Resolve your comment on “${goalTitle}”` });
    await expect.poll(() => resolve.count()).toBeGreaterThan(0);
    expect(
      await goal.getByRole('button', { name: `Reply to your comment on “${goalTitle}”` }).count(),
    ).toBeGreaterThan(0);
    await resolve.last().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => announced(page)).toContain(`Resolved your comment on “${goalTitle}”.`);
    expect(await focusedControl(page)).not.toBe('BODY');
    expect(
      await page.evaluate<boolean>(`!!document.activeElement?.closest('#lifecycle-drawer')`),
    ).toBe(true);
    // Escape closes the drawer even when the focus had nowhere to go.
    await page.evaluate(`document.activeElement?.blur()`);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('lifecycle-drawer').count()).toBe(0);
    await context.close();
  });

  it('moves the keyboard into a proposal form and its decision, and to the outcome', async () => {
    const therapist = await openWorkspace('therapist');
    const t = therapist.page;
    await t.getByTestId('propose-change').focus();
    await t.keyboard.press('Enter');
    await expect
      .poll(() => t.evaluate<string>(`document.activeElement?.getAttribute('name') ?? ''`))
      .toBe('proposal-kind');
    await t.locator('#proposal-dose').fill('75');
    await t.locator('#proposal-rationale').fill('Side effects at the current dose.');
    await t.getByTestId('submit-proposal').click();
    await expect.poll(() => t.getByTestId('proposal-result').count()).toBe(1);
    await therapist.context.close();

    const { context, page } = await openWorkspace('prescriber');
    const proposal = page
      .getByTestId('open-proposal')
      .filter({ hasText: 'Side effects at the current dose.' });
    await expect.poll(() => proposal.count(), { timeout: 10_000 }).toBe(1);
    await proposal.getByTestId('decline-proposal').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedControl(page)).toMatch(/^decide-/);
    await page.keyboard.press('Shift+Tab');
    await proposal.getByRole('button', { name: 'Cancel' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedControl(page)).toMatch(/-decline$/);
    await proposal.getByTestId('accept-proposal').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedControl(page)).toMatch(/^decide-/);
    await proposal.getByTestId('confirm-decision').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedControl(page), { timeout: 10_000 }).toBe('proposal-result');
    await context.close();
  });

  it('moves the keyboard to the version when it is signed or verified', async () => {
    const { context, page } = await openWorkspace('prescriber');
    await page.getByTestId('open-history').click();
    await page.locator('#version-label').fill('Focus check');
    await page.locator('#version-label').press('Enter');
    const sign = page.getByTestId('sign-version');
    await expect.poll(() => sign.count(), { timeout: 10_000 }).toBe(1);
    const number = (await sign.getAttribute('aria-label'))!.replace(/\D/g, '');
    await sign.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => focusedControl(page), { timeout: 10_000 })
      .toBe(`version-${number}-title`);
    await page.getByRole('button', { name: `Verify version ${number}` }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => focusedControl(page), { timeout: 10_000 })
      .toBe(`version-${number}-check`);
    await context.close();

    const therapist = await openWorkspace('therapist');
    await therapist.page.getByTestId('open-history').click();
    const cosign = therapist.page.getByRole('button', { name: `Co-sign version ${number}` });
    await expect.poll(() => cosign.count(), { timeout: 10_000 }).toBe(1);
    await cosign.focus();
    await therapist.page.keyboard.press('Enter');
    await expect
      .poll(() => focusedControl(therapist.page), { timeout: 10_000 })
      .toBe(`version-${number}-title`);
    await therapist.context.close();
  });

  it('puts the patient’s changed sections one heading level below “What changed”', async () => {
    const { context, page } = await signedInContext(browser, server.url, 'patient', {
      viewport: PHONE,
    });
    await expect.poll(() => page.getByTestId('plain-changes').count(), { timeout: 20_000 }).toBe(1);
    await expect
      .poll(() => page.locator('[data-testid=plain-changes] h3').count())
      .toBeGreaterThan(0);
    expect(await brokenRules(page, ['heading-order'])).toEqual([]);
    await context.close();
  });
});
