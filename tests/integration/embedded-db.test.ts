import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import type { EmbeddedDb } from '@tandem/server/db/embedded.ts';
import { startTempDb } from '../helpers/services.ts';

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/** The Linux scheduling policies of a process's threads (field 41 of each thread's stat). */
function policies(pid: number): Set<number> {
  const out = new Set<number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    out.add(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]));
  }
  return out;
}

function readlinkOrEmpty(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

/** Writes a record and reads it back, so the database is known to work, not only to run. */
async function roundTrip(uri: string): Promise<unknown> {
  const conn = await mongoose.createConnection(uri, { dbName: 'priority' }).asPromise();
  try {
    await conn.db!.collection('probe').insertOne({ ok: 'yes' });
    return (await conn.db!.collection('probe').findOne({}))?.ok;
  } finally {
    await conn.close();
  }
}

/** The socket path inside a `mongodb://<percent-encoded path>/` URI. */
const socketOf = (uri: string) => decodeURIComponent(/^mongodb:\/\/([^/]+)\//.exec(uri)![1]!);

describe('embedded database', () => {
  let db: EmbeddedDb | null = null;
  afterEach(async () => {
    await db?.stop();
    db = null;
  });

  it('runs every thread of the database at idle priority when asked, and still serves', async () => {
    db = await startTempDb('idle');
    expect(policies(db.pid)).toEqual(new Set([SCHED_IDLE]));
    expect(await roundTrip(db.uri)).toBe('yes');
  });

  it('runs it at normal priority, the default', async () => {
    db = await startTempDb('normal');
    expect(policies(db.pid)).toEqual(new Set([SCHED_OTHER]));
    expect(await roundTrip(db.uri)).toBe('yes');
  });

  it('is reachable only through a socket and files that no other user may open', async () => {
    db = await startTempDb('normal');
    expect(await roundTrip(db.uri)).toBe('yes');
    const socket = socketOf(db.uri);
    expect(statSync(socket).isSocket()).toBe(true);
    const dir = path.dirname(socket);
    const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of [socket, ...files.map((f) => path.join(dir, f))])
      expect(statSync(f).mode & 0o077, f).toBe(0);
    // No TCP port: every listening socket of the process is a Unix socket.
    const pid = db.pid;
    const inodes = readdirSync(`/proc/${pid}/fd`)
      .map((fd) => /^socket:\[(\d+)\]$/.exec(readlinkOrEmpty(`/proc/${pid}/fd/${fd}`))?.[1])
      .filter((i): i is string => i !== undefined);
    const tcpListeners = ['tcp', 'tcp6'].flatMap((t) =>
      readFileSync(`/proc/net/${t}`, 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[3] === '0A') // LISTEN
        .map((cols) => cols[9]),
    );
    expect(inodes.filter((i) => tcpListeners.includes(i))).toEqual([]);
  });
});
