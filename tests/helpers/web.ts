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

/**
 * Pages of `context` opened from now on have no IndexedDB, as in some private
 * windows: unsaved changes then live in the tab only.
 */
export async function withoutDeviceStorage(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined });
  });
}

/**
 * Records the type of each dialog `page` opens ('beforeunload', 'confirm') in
 * `asked` and dismisses it, so the page stays where it was.
 */
export function dismissDialogs(page: Page, asked: string[]): void {
  page.on('dialog', (dialog) => {
    asked.push(dialog.type());
    void dialog.dismiss();
  });
}

/** The records this browser keeps for unsent edits, as stored on the device. */
export const deviceRecords = (page: Page) =>
  page.evaluate(async () => {
    // This file is compiled without the DOM's types; the page has them.
    type Request<T> = { result: T; error: unknown; onsuccess: () => void; onerror: () => void };
    type Database = {
      objectStoreNames: { contains(name: string): boolean };
      transaction(store: string): {
        objectStore(store: string): {
          getAll(): Request<{ key: [string, string, number]; sealed: ArrayBuffer }[]>;
        };
      };
      close(): void;
    };
    const idb = (globalThis as unknown as { indexedDB: { open(name: string): Request<Database> } })
      .indexedDB;
    const done = <T>(r: Request<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const db = await done(idb.open('tandem-device'));
    try {
      if (!db.objectStoreNames.contains('unsent')) return [];
      const records = await done(db.transaction('unsent').objectStore('unsent').getAll());
      return records.map((r) => ({
        doc: r.key[1],
        text: Array.from(new Uint8Array(r.sealed), (b) => String.fromCharCode(b)).join(''),
      }));
    } finally {
      db.close();
    }
  });
