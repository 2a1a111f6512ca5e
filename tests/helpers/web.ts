import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  Locator,
  Page,
} from 'playwright-core';
import { expect } from 'vitest';
import { DEMO, DEMO_PASSWORD, type DemoUser } from './api.ts';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.artifacts');

function artifact(name: string): string {
  const dir = path.join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** Saves a full-page screenshot under tests/.artifacts/screenshots/<name>.png for people to look at. */
export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  const file = artifact(name);
  if ('goto' in target) await target.screenshot({ path: file, fullPage: true });
  else await target.screenshot({ path: file });
  return file;
}

/** Signs in through the login form, as a person would, and waits to leave the login page. */
export async function signInThroughForm(
  page: Page,
  baseUrl: string,
  who: DemoUser,
  password = DEMO_PASSWORD,
): Promise<void> {
  await signInWithEmail(page, baseUrl, DEMO[who], password);
}

/** The login form with any account's email and password. */
export async function signInWithEmail(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Password hashing is deliberately slow, and slower still on a busy machine: wait longer than poll's default second.
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).not.toBe('/login');
}

/** A fresh browser context (its own cookies) signed in as a demo user. */
export async function signedInContext(
  browser: Browser,
  baseUrl: string,
  who: DemoUser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await signInThroughForm(page, baseUrl, who);
  return { context, page };
}
