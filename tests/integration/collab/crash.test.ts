import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it, vi } from 'vitest';
import * as Y from 'yjs';
import { planDocName } from '@tandem/shared';
import { registerTeardown, startTestServer } from '../../helpers/server.ts';
import { freePort } from '../../helpers/services.ts';
import { demoPlans, loginAs } from '../../helpers/api.ts';
import { connectClient, storedDoc } from './helpers.ts';

const fixture = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures/server-process.ts',
);

type Instance = { url: string; child: ChildProcess };

/** Starts a Tandem instance in its own process (so that it can be killed for real). */
async function spawnInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  registerTeardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}: ${stderr}`)));
  });
  return { url, child };
}

function kill(instance: Instance): Promise<void> {
  return new Promise((resolve) => {
    instance.child.once('exit', () => resolve());
    instance.child.kill('SIGKILL');
  });
}

describe('crash durability', () => {
  it(
    'keeps every acknowledged edit when an instance is killed, and clients converge',
    { timeout: 120_000 },
    async () => {
      // Instance B runs in this process; instance A is a child process sharing the database and Redis.
      const b = await startTestServer({ seedDemo: true, redis: true });
      const port = await freePort();
      const env = {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        MONGODB_URI: inject('mongodbUri'),
        REDIS_URL: inject('redisUrl'),
        TANDEM_DB_NAME: b.dbName,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'silent',
        WEB_BUILD_DIR: '/nonexistent',
      };
      let a = await spawnInstance(env);
      const plan = (await demoPlans(b.url)).north;
      const prescriber = await loginAs(b.url, 'prescriber');
      const therapist = await loginAs(b.url, 'therapist');
      const name = planDocName(plan, 'care');
      const ws = (url: string) => `${url.replace(/^http/, 'ws')}/collab`;

      const onA = connectClient(ws(a.url), name, { token: prescriber.token!, tandem: true });
      const onB = connectClient(ws(b.url), name, { token: therapist.token!, tandem: true });
      await Promise.all([onA.synced, onB.synced]);
      const notesA = onA.doc.getArray<string>('crashNotes');
      const notesB = onB.doc.getArray<string>('crashNotes');

      for (let i = 0; i < 40; i++) {
        notesA.push([`a${i}`]);
        notesB.push([`b${i}`]);
      }
      await vi.waitFor(() => {
        expect(onA.saves.status).toBe('saved');
        expect(onB.saves.status).toBe('saved');
      });
      const acknowledged = [...notesA.toArray(), ...notesB.toArray()];

      // More edits go out, and A dies before it can possibly have stored them all.
      for (let i = 40; i < 60; i++) notesA.push([`a${i}`]);
      await kill(a);
      expect(onA.saves.pending).toBe(true);

      // Every acknowledged edit is in the database, with no instance's help.
      const afterCrash = (await storedDoc(b.tandem.ctx.conn, name))
        .getArray<string>('crashNotes')
        .toArray();
      for (const item of acknowledged) expect(afterCrash).toContain(item);

      // A comes back on the same address; its client reconnects and resends what was not stored.
      a = await spawnInstance(env);
      await vi.waitFor(() => expect(onA.saves.status).toBe('saved'), { timeout: 20_000 });
      notesB.push(['after-restart']);
      const late = connectClient(ws(a.url), name, { token: therapist.token!, tandem: true });
      await late.synced;
      // If A stored an edit and died before fanning it out, B fills that gap from the database.
      await vi.waitFor(
        () => {
          expect(onA.doc.getArray('crashNotes').length).toBe(101);
          expect(Y.encodeStateVector(onA.doc)).toEqual(Y.encodeStateVector(onB.doc));
          expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(onB.doc));
          expect(late.doc.getArray('crashNotes').toArray()).toEqual(
            onB.doc.getArray('crashNotes').toArray(),
          );
        },
        { timeout: 20_000 },
      );
      await vi.waitFor(() => expect(onB.saves.status).toBe('saved'), { timeout: 10_000 });
      await b.tandem.collab.flush();
      const final = (await storedDoc(b.tandem.ctx.conn, name))
        .getArray<string>('crashNotes')
        .toArray();
      expect(final).toEqual(onA.doc.getArray('crashNotes').toArray());
    },
  );
});
