import { chromium, type Page } from 'playwright-core';
const URL = 'http://127.0.0.1:3135';
const phase = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
async function login(email: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${URL}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('tandem-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15000 });
  await page.getByRole('link', { name: /Alex Morgan/ }).first().click().catch(() => {});
  return page;
}
const saved = async (p: Page) => { for (let i = 0; i < 100; i++) { if ((await p.getByTestId('save-state').getAttribute('data-state')) === 'saved') return; await p.waitForTimeout(100); } throw new Error('not saved'); };
const lines = (p: Page) => p.getByTestId('rich-therapy-focus').locator('li').evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\u2060.*?\u2060/g, '')));
if (phase === 'edit') {
  const p = await login('prescriber@demo.test');
  const t = await login('therapist@demo.test');
  await saved(p); await saved(t);
  const t0 = Date.now();
  await Promise.all([
    (async () => { await p.getByTestId('rich-therapy-focus').click(); await p.keyboard.press('Control+End'); await p.keyboard.press('Enter'); await p.keyboard.press('Control+b'); await p.keyboard.type('Lithium level', { delay: 20 }); await p.keyboard.press('Control+b'); await p.keyboard.type(' in two weeks', { delay: 20 }); })(),
    (async () => { await t.getByTestId('rich-therapy-focus').click(); await t.keyboard.press('Control+End'); await t.keyboard.press('Enter'); await t.keyboard.type('Sleep diary each morning', { delay: 20 }); })(),
  ]);
  for (;;) { const a = await lines(p), b = await lines(t); if (a.join() === b.join() && a.includes('Lithium level in two weeks') && a.includes('Sleep diary each morning')) break; await p.waitForTimeout(20); }
  console.log('both lines in both browsers after', Date.now() - t0, 'ms (typing included)');
  await saved(p); await saved(t);
  console.log('both saved after', Date.now() - t0, 'ms');
  console.log('lines', JSON.stringify((await lines(p)).slice(-3)));
  console.log('prescriber toolbar Bold pressed:', await p.locator('section#therapy').getByRole('button', { name: 'Bold' }).getAttribute('aria-pressed'));
  await t.waitForTimeout(4000);
  console.log('prescriber name on therapist page, opacity after 4 s:', await t.locator('[data-testid=remote-cursor] .remote-cursor-label').first().evaluate((el) => getComputedStyle(el).opacity));
  await t.locator('section#therapy').screenshot({ path: '/tmp/walk11-therapist.png' });
  await p.locator('section#therapy').screenshot({ path: '/tmp/walk11-prescriber.png' });
} else {
  const c = await login('coordinator@demo.test');
  await saved(c);
  console.log('after restart, coordinator sees', JSON.stringify((await lines(c)).slice(-3)));
  await c.getByRole('button', { name: 'History' }).click();
  await c.waitForTimeout(1500);
  console.log('recent edits:', JSON.stringify(await c.getByTestId('plan-edit').allTextContents()));
  await c.screenshot({ path: '/tmp/walk11-coordinator.png' });
}
await browser.close();
