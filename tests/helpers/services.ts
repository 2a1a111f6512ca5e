import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  startEmbeddedDb,
  type EmbeddedDb,
  type EmbeddedDbPriority,
} from '@tandem/server/db/embedded.ts';

/** A free TCP port on loopback (for services that cannot pick their own). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type RedisServer = { url: string; stop(): Promise<void> };

/** Starts a private redis-server on a free loopback port, without persistence. */
export async function startRedis(): Promise<RedisServer> {
  const which = spawnSync('redis-server', ['--version']);
  if (which.error)
    throw new Error('redis-server is not installed (apt-get install redis-server; see .ci/run).');
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Starts the embedded database in a temporary directory that is removed on stop. */
export async function startTempDb(priority: EmbeddedDbPriority = 'normal'): Promise<EmbeddedDb> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-db-'));
  const db = await startEmbeddedDb({ dataDir: dir, priority });
  return {
    uri: db.uri,
    pid: db.pid,
    stop: async () => {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
