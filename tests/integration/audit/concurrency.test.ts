import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import type { AuditVerifyResult } from '@tandem/shared';
import { registerTeardown, startTestServer } from '../../helpers/server.ts';
import { Api, demoPlans, loginAs } from '../../helpers/api.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Starts `server/src/main.ts` as its own OS process on the given database; resolves to its URL. */
async function startServerProcess(dbName: string): Promise<string> {
  const uri = new URL(inject('mongodbUri'));
  uri.pathname = `/${dbName}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      MONGODB_URI: uri.toString(),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      WEB_BUILD_DIR: '/nonexistent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  registerTeardown(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server process exited (${code}): ${err}`)));
  });
}

/** Runs `tasks` with at most `width` in flight. */
async function inParallel(tasks: (() => Promise<unknown>)[], width: number) {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) await t();
    }),
  );
}

describe('the audit chain under concurrent writers', () => {
  it('stays one valid chain while three instances (one its own OS process) append at once', async () => {
    const a = await startTestServer({ seedDemo: true });
    const b = await startTestServer({ dbName: a.dbName });
    const c = await startServerProcess(a.dbName);
    const { north } = await demoPlans(a.url);
    const token = (await loginAs(a.url, 'prescriber')).token!;
    const audits = a.tandem.ctx.conn.collection('audits');
    const before = await audits.countDocuments({});

    const PER_SERVER = 40;
    const requestIds: string[] = [];
    const tasks = [a.url, b.url, c].flatMap((url, s) =>
      Array.from({ length: PER_SERVER }, (_, i) => async () => {
        const id = `burst-${s}-${i}-${Math.random().toString(36).slice(2)}`;
        requestIds.push(id);
        // Half authorised plan reads, half refused requests: both are audited.
        const api = new Api(url, i % 2 ? token : null);
        const res = await api.request('GET', `/plans/${north}`, undefined, { 'x-request-id': id });
        expect(res.status).toBe(i % 2 ? 200 : 401);
      }),
    );
    // Interleave the servers so they contend for the tail of the chain.
    const interleaved = tasks.map((_, k) => tasks[(k % 3) * PER_SERVER + Math.floor(k / 3)]!);
    await inParallel(interleaved, 18);

    const records = await audits
      .find({ requestId: { $in: requestIds } }, { projection: { requestId: 1 } })
      .toArray();
    expect(records).toHaveLength(requestIds.length);
    expect(new Set(records.map((r) => r.requestId)).size).toBe(requestIds.length);

    const total = await audits.countDocuments({});
    expect(total).toBe(before + requestIds.length);
    const seqs = (
      await audits
        .find({}, { projection: { seq: 1 } })
        .sort({ seq: 1 })
        .toArray()
    ).map((r) => r.seq as number);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    for (const url of [a.url, c]) {
      const coordinator = await loginAs(url, 'coordinator');
      const verdict = await coordinator.get<AuditVerifyResult>('/audit/verify');
      expect(verdict.body.ok).toBe(true);
      expect(verdict.body.firstBrokenId).toBeNull();
    }
    expect(await b.tandem.ctx.audit.verify()).toMatchObject({ ok: true });
  });
});
