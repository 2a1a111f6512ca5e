import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function startWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('bad configuration', () => {
  it('exits non-zero with a sentence naming PORT', () => {
    const r = startWith({ PORT: 'abc' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/PORT must be a number/);
  });

  it('names a malformed MONGODB_URI', () => {
    const r = startWith({ MONGODB_URI: 'postgres://nope' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/MONGODB_URI must start with mongodb:\/\//);
  });

  it('names a short SESSION_SECRET', () => {
    const r = startWith({ SESSION_SECRET: 'short' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/SESSION_SECRET must be at least 32 characters/);
  });
});
