import { readdirSync, readFileSync } from 'node:fs';
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

describe('embedded database priority', () => {
  let db: EmbeddedDb | null = null;
  afterEach(async () => {
    await db?.stop();
    db = null;
  });

  it('runs every thread of the database at idle priority by default, and still serves', async () => {
    db = await startTempDb('idle');
    expect(policies(db.pid)).toEqual(new Set([SCHED_IDLE]));
    expect(await roundTrip(db.uri)).toBe('yes');
  });

  it('runs it at normal priority when asked', async () => {
    db = await startTempDb('normal');
    expect(policies(db.pid)).toEqual(new Set([SCHED_OTHER]));
    expect(await roundTrip(db.uri)).toBe('yes');
  });
});
