import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EmbeddedDbError, ensureEmbeddedDbBinary } from './embedded-binary.ts';

/**
 * The embedded default database: FerretDB on SQLite, built from
 * tools/embedded-db and run as a child process on a Unix socket.
 */

export { EmbeddedDbError };

export type EmbeddedDb = { uri: string; pid: number; stop(): Promise<void> };

/**
 * CPU priority of the embedded database. `normal` shares the cores equally.
 * `idle` (Linux SCHED_IDLE) gives the database only CPU time nothing else
 * wants, so a live edit never waits for the database's time slice before it
 * is relayed; but whenever the cores are busy the database, and with it every
 * save and page load, waits instead (measured in the README's Benchmarks).
 */
export type EmbeddedDbPriority = 'idle' | 'normal';

/** Starts the embedded database with its files in `dataDir`; resolves once it accepts connections. */
export async function startEmbeddedDb(opts: {
  dataDir: string;
  priority: EmbeddedDbPriority;
  log?: (msg: string) => void;
}): Promise<EmbeddedDb> {
  const binary = ensureEmbeddedDbBinary(opts.log);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const socket = socketPath(opts.dataDir);
  const args = ['-unix', socket.path, '-data', opts.dataDir, '-log-level', 'error'];
  const idle = opts.priority === 'idle' && canRunIdle();
  if (opts.priority === 'idle' && !idle)
    opts.log?.('chrt is not available: the embedded database runs at normal priority.');
  // chrt sets the policy and then becomes the database, whose threads all inherit it.
  const [command, argv] = idle ? ['chrt', ['--idle', '0', binary, ...args]] : [binary, args];
  // stdin stays a pipe: the database exits when this process dies and the pipe closes.
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
  const uri = await waitForReady(child);
  return {
    uri,
    pid: child.pid!,
    stop: async () => {
      await stopChild(child);
      socket.cleanup();
    },
  };
}

/**
 * The database listens on a Unix socket that only this user can connect to
 * (a loopback port would be open to every user of the machine), and local
 * connections skip the TCP stack. Socket paths are short (108 bytes on
 * Linux): a deep data directory gets a private directory in /tmp instead.
 */
function socketPath(dataDir: string): { path: string; cleanup(): void } {
  const inData = path.join(dataDir, 'embedded-db.sock');
  if (Buffer.byteLength(inData) <= 100) return { path: inData, cleanup: () => {} };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-sock-'));
  return {
    path: path.join(dir, 'db.sock'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether `chrt` (util-linux) can start a process with the SCHED_IDLE policy. */
function canRunIdle(): boolean {
  if (process.platform !== 'linux') return false;
  return spawnSync('chrt', ['--idle', '0', 'true']).status === 0;
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EmbeddedDbError('The embedded database did not start within 30 seconds.'));
    }, 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^READY (mongodb:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EmbeddedDbError(`The embedded database exited during start-up (code ${code}).`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new EmbeddedDbError(`The embedded database could not start: ${err.message}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
