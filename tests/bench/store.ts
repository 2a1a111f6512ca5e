/**
 * Store benchmark: how the embedded database's work grows with what it holds.
 *
 * Plans: fills the database with plan documents (each compacted into a
 * snapshot, as idle plans are), and at each size times loading documents
 * (what the co-editing server does when the first person opens a plan) and
 * compacting one that has a log of fresh edits.
 *
 * Audit log: fills it with records, and at each size times the first append
 * of a freshly started instance (which must find the chain's tail), next to a
 * plain sorted read of the tail for comparison.
 *
 * Teams: fills the database with care teams of 8 members, and at each size
 * times finding a person's teams (what authorizing a request does).
 *
 * Audit page: a Tandem instance with the demo teams, whose North Team's
 * audit trail (reads of its patient's plan) grows to each --audit size; times
 * the coordinator's first and next page of 50 records, the page filtered by
 * the patient, the patient's own access log, and the access log of a patient
 * of another team, whose few records are far down the log.
 *
 * Plan list: the same with patients added to the North Team, each plan with
 * versions, signatures, proposals and comment threads; times the prescriber's
 * plan list, which says where each plan stands, at each --plan-list size.
 *
 * Audit chain check: fills a database of its own with a chained log, then
 * runs the check, and for comparison one sorted read of the whole log, each
 * on a freshly started database, whose peak memory it reports.
 *
 * Edit history: one document is edited by three people, 100 changes per
 * stretch of work with long pauses between, and compacted as the server
 * does; at each size times reading who edited it lately (the plan's Recent
 * edits), next to reading its newest 2,000 changes one by one.
 *
 * Update log: five-row appends through the co-editing store, 10 ms apart as
 * group commit spaces them, on a freshly started database; times each and
 * reports the CPU time per write of the database and of the writer.
 *
 *   npm run bench:store -- [--docs 10,100,1000] [--doc-kb 20] [--loads 20] [--audit 10000,50000] [--teams 100,1000] [--audit-check 50000] [--edit-history 10000,50000] [--log-writes 2000] [--log-gap 10] [--plan-list 100,500]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { connectDb } from '@tandem/server/db/connect.ts';
import { mongoCollabStore } from '@tandem/server/collab/persistence/mongo-store.ts';
import { changeHistory, editStretches } from '@tandem/server/collab/history.ts';
import { auditModel, type AuditModel } from '@tandem/server/audit/model.ts';
import { createAuditLog } from '@tandem/server/audit/service.ts';
import { GENESIS_HASH, hashRecord, type ChainedFields } from '@tandem/server/audit/chain.ts';
import { startEmbeddedDb } from '@tandem/server/db/embedded.ts';
import { systemClock } from '@tandem/server/context.ts';
import { teamModel } from '@tandem/server/teams/model.ts';
import { patientModel } from '@tandem/server/patients/model.ts';
import { createLogger } from '@tandem/server/log.ts';
import { Types, type Connection } from 'mongoose';
import type { AccessLogPage, AuditPage, TeamSummary } from '@tandem/shared';
import { createTandem } from '@tandem/server';
import { loadConfig } from '@tandem/server/env.ts';
import { loginAs } from '../helpers/api.ts';
import { planList } from './plan-list.ts';
import { startTempDb } from '../helpers/services.ts';
import { cpuSeconds, percentile, r2, writeResult } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '10,100,1000' },
    'doc-kb': { type: 'string', default: '20' },
    loads: { type: 'string', default: '20' },
    audit: { type: 'string', default: '10000,50000' },
    teams: { type: 'string', default: '100,1000' },
    'audit-check': { type: 'string', default: '50000' },
    'edit-history': { type: 'string', default: '10000,50000' },
    'log-writes': { type: 'string', default: '2000' },
    'log-gap': { type: 'string', default: '10' },
    'plan-list': { type: 'string', default: '100,500' },
  },
});
const SIZES = args.docs.split(',').map(Number);
const DOC_KB = Number(args['doc-kb']);
const LOADS = Number(args.loads);
const AUDIT_SIZES = args.audit.split(',').map(Number);
const TEAM_SIZES = args.teams.split(',').map(Number);
const AUDIT_CHECK_RECORDS = Number(args['audit-check']);
const EDITS_BEFORE_COMPACTION = 200;
const EDIT_HISTORY_SIZES = args['edit-history'].split(',').map(Number);
const LOG_WRITES = Number(args['log-writes']);
const LOG_ROWS = 5;
const LOG_GAP_MS = Number(args['log-gap']);
const PLAN_LIST_SIZES = args['plan-list'].split(',').map(Number);

const docName = (i: number) => `plan:${String(i).padStart(6, '0')}`;

/** One update carrying about `kb` KiB of text, like a plan written over time. */
function planUpdate(kb: number, seed: number): Uint8Array {
  const doc = new Y.Doc();
  const text = doc.getText('notes');
  for (let i = 0; text.length < kb * 1024; i++)
    text.insert(text.length, `Goal ${seed}.${i}: sleep seven hours, walk daily. `);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

function edit(i: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('notes').insert(0, `edit ${i} `);
  return Y.encodeStateAsUpdate(doc);
}

const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

/** Times `f(k)` for k = 0…LOADS-1, one after the other. */
async function latencies(f: (k: number) => Promise<unknown>) {
  const ms: number[] = [];
  for (let k = 0; k < LOADS; k++) ms.push(await timed(() => f(k)));
  ms.sort((a, b) => a - b);
  return { p50: r2(percentile(ms, 50)), max: r2(ms.at(-1)!) };
}

async function plans(conn: Connection) {
  const store = mongoCollabStore(conn);
  await store.init();
  const results = [];
  let stored = 0;
  for (const size of SIZES) {
    for (; stored < size; stored++) {
      const row = { docName: docName(stored), update: planUpdate(DOC_KB, stored) };
      await store.append([{ ...row, userId: 'bench', sections: [], at: new Date() }]);
      await store.compact(row.docName);
    }
    const loadMs = await latencies((k) => store.load(docName((k * 7919) % size)));

    // A fresh log on one document, then the compaction that folds it in.
    const target = docName(size - 1);
    for (let i = 0; i < EDITS_BEFORE_COMPACTION; i++)
      await store.append([
        { docName: target, update: edit(i), userId: 'bench', sections: [], at: new Date() },
      ]);
    const compactMs = await timed(() => store.compact(target));

    const result = {
      documents: size,
      loadMs,
      compactMs: r2(compactMs),
    };
    results.push(result);
    console.warn(
      `${size} documents of ~${DOC_KB} KiB: load p50 ${result.loadMs.p50} ms, max ${result.loadMs.max} ms; compacting ${EDITS_BEFORE_COMPACTION} edits ${result.compactMs} ms`,
    );
  }
  return results;
}

/**
 * Stores audit records with seqs `after`+1 … `to` directly, in batches of
 * 1,000, as a clinician's plan views (`fields` changes any of them), their
 * hashes chained from `prevHash` as the audit log chains them. Returns the
 * last record's hash.
 */
async function editHistory(conn: Connection) {
  const store = mongoCollabStore(conn);
  const name = 'plan:edit-history';
  const people = ['maya', 'sam', 'jordan'];
  const start = Date.now() - 365 * 86_400_000;
  const results = [];
  let stored = 0;
  for (const size of EDIT_HISTORY_SIZES) {
    for (; stored < size; stored += EDITS_BEFORE_COMPACTION) {
      await store.append(
        Array.from({ length: EDITS_BEFORE_COMPACTION }, (_, k) => {
          const i = stored + k;
          // A stretch of 100 changes 2 s apart, then a day's pause; people take turns.
          const stretch = Math.floor(i / 100);
          return {
            docName: name,
            update: edit(i),
            userId: people[stretch % people.length]!,
            sections: [['goals', 'therapy', 'safety'][i % 3]!],
            at: new Date(start + stretch * 86_400_000 + (i % 100) * 2_000),
          };
        }),
      );
      await store.compact(name);
    }
    const stretches = await editStretches(conn, name);
    const row = {
      changes: size,
      stretches: stretches.length,
      recentEditsMs: await latencies(() => editStretches(conn, name)),
      newest2000ChangesMs: await latencies(() => changeHistory(conn, name, { limit: 2_000 })),
    };
    console.warn(JSON.stringify(row));
    results.push(row);
  }
  return results;
}

async function fillAudit(
  Audit: AuditModel,
  after: number,
  to: number,
  prevHash = GENESIS_HASH,
  fields: Partial<ChainedFields> = {},
): Promise<string> {
  for (let seq = after + 1; seq <= to;) {
    const batch = [];
    for (; seq <= to && batch.length < 1000; seq++) {
      const record = {
        ...{ seq, at: new Date(), actorId: String(new Types.ObjectId()), actorRole: 'therapist' },
        ...{ action: 'plan.view', resourceType: 'plan', resourceId: String(new Types.ObjectId()) },
        ...{ patientId: String(new Types.ObjectId()), teamId: String(new Types.ObjectId()) },
        ...{ outcome: 'success', requestId: `req-${seq}`, ip: '127.0.0.1', details: {} },
        ...fields,
        prevHash,
      };
      prevHash = hashRecord(record);
      batch.push({ ...record, hash: prevHash });
    }
    await Audit.collection.insertMany(batch);
  }
  return prevHash;
}

async function auditLog(conn: Connection) {
  const Audit = auditModel(conn);
  await Audit.createCollection();
  await Audit.createIndexes();
  const log = createLogger({ logLevel: 'warn' });
  const results = [];
  let stored = 0;
  for (const size of AUDIT_SIZES) {
    await fillAudit(Audit, stored, size);
    stored = size;
    const sortedTailMs = await timed(() => Audit.findOne({}).sort({ seq: -1 }).lean());
    const firstAppendMs = await timed(() =>
      createAuditLog(conn, systemClock, log).record({ action: 'bench.append', outcome: 'success' }),
    );
    stored++;
    const result = {
      records: size,
      firstAppendMs: r2(firstAppendMs),
      sortedTailMs: r2(sortedTailMs),
    };
    results.push(result);
    console.warn(
      `${size} audit records: first append after a start ${result.firstAppendMs} ms (a sorted read of the tail: ${result.sortedTailMs} ms)`,
    );
  }
  return results;
}

async function teams(conn: Connection) {
  const Teams = teamModel(conn);
  await Teams.createCollection();
  await Teams.createIndexes();
  const results = [];
  let stored = 0;
  for (const size of TEAM_SIZES) {
    const people: Types.ObjectId[] = [];
    while (stored < size) {
      const members = Array.from({ length: 8 }, (_, i) => ({
        userId: new Types.ObjectId(),
        role: i === 0 ? 'prescriber' : 'therapist',
        addedAt: new Date(),
      }));
      people.push(members[0]!.userId);
      await Teams.create({ name: `Team ${stored++}`, members });
    }
    const lookupMs = await latencies((k) =>
      Teams.find({ 'members.userId': people[(k * 7919) % people.length] }, { name: 1 }).lean(),
    );
    const result = { teams: size, lookupMs };
    results.push(result);
    console.warn(
      `${size} teams: finding a person's teams p50 ${result.lookupMs.p50} ms, max ${result.lookupMs.max} ms`,
    );
  }
  return results;
}

/** Runs `f` against a Tandem instance with the demo teams, on a database of its own. */
async function withTandem<T>(
  uri: string,
  dbName: string,
  f: (url: string, tandem: Awaited<ReturnType<typeof createTandem>>) => Promise<T>,
): Promise<T> {
  const config = loadConfig({
    ...{ NODE_ENV: 'test', PORT: '0', MONGODB_URI: uri, LOG_LEVEL: 'silent' },
    ...{ SEED_DEMO: 'true', WEB_BUILD_DIR: '/nonexistent' },
  });
  const tandem = await createTandem({ config, dbName, log: createLogger(config) });
  try {
    return await f(await tandem.listen(), tandem);
  } finally {
    await tandem.close();
  }
}

const auditPage = (uri: string) =>
  withTandem(uri, 'bench_audit_page', async (url, tandem) => {
    const coordinator = await loginAs(url, 'coordinator');
    const prescriber = await loginAs(url, 'prescriber');
    const patient = await loginAs(url, 'patient');
    // The South Team's patient: a few records of their own among all of the North's.
    const fewRecords = await loginAs(url, 'patient2');
    const teams = (await coordinator.get<TeamSummary[]>('/teams')).body;
    const teamId = teams.find((t) => t.name === 'North Team')!.id;
    const patientId = String(
      (await patientModel(tandem.ctx.conn).findOne({ userId: patient.user.id }).lean())!._id,
    );
    const Audit = auditModel(tandem.ctx.conn);
    const results = [];
    const fullPage = (records: unknown[]) => {
      if (records.length !== 50) throw new Error('short audit page');
    };
    for (const size of AUDIT_SIZES) {
      // Plan reads by a member of the team, after what the instance recorded itself.
      await fillAudit(Audit, await tandem.ctx.audit.lastSeq(), size, GENESIS_HASH, {
        ...{ actorId: prescriber.user.id, actorRole: 'prescriber', action: 'plan.read' },
        ...{ resourceId: 'bench', teamId, patientId, requestId: null, ip: null },
      });
      let next: number | null = null;
      const first = await latencies(async () => {
        const res = await coordinator.get<AuditPage>('/audit?limit=50');
        fullPage(res.body.records);
        next = res.body.nextBefore;
      });
      const nextPage = await latencies(() => coordinator.get(`/audit?limit=50&before=${next}`));
      const byPatient = await latencies(async () =>
        fullPage(
          (await coordinator.get<AuditPage>(`/audit?limit=50&patientId=${patientId}`)).body.records,
        ),
      );
      const accessLog = await latencies(async () =>
        fullPage((await patient.get<AccessLogPage>('/me/access-log?limit=50')).body.entries),
      );
      const sparseLog = await latencies(() => fewRecords.get('/me/access-log?limit=50'));
      results.push({
        records: size,
        firstPageMs: first,
        nextPageMs: nextPage,
        patientPageMs: byPatient,
        accessLogMs: accessLog,
        fewRecordsAccessLogMs: sparseLog,
      });
      console.warn(
        `${size} audit records: the coordinator's audit page p50 ${first.p50} ms, max ${first.max} ms; the next page p50 ${nextPage.p50} ms, max ${nextPage.max} ms; filtered by the patient p50 ${byPatient.p50} ms, max ${byPatient.max} ms; the patient's access log p50 ${accessLog.p50} ms, max ${accessLog.max} ms; another patient's, with few records, p50 ${sparseLog.p50} ms, max ${sparseLog.max} ms`,
      );
    }
    return results;
  });

const planListPage = (uri: string) =>
  withTandem(uri, 'bench_plan_list', async (url, tandem) =>
    planList(tandem.ctx, await loginAs(url, 'prescriber'), PLAN_LIST_SIZES, latencies),
  );

/** Peak resident memory of a process so far, in MiB (Linux). */
function peakRssMib(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

/** Runs `f` on a database just started on `dir`, so that its memory and CPU are this run's. */
async function onFreshDb<T>(dir: string, f: (conn: Connection, pid: number) => Promise<T>) {
  const db = await startEmbeddedDb({ dataDir: dir, priority: 'normal' });
  const conn = await connectDb(db.uri, 'bench_fresh');
  try {
    return await f(conn, db.pid);
  } finally {
    await conn.close();
    await db.stop();
  }
}

/**
 * The co-editing server's update-log writes as group commit sends them: a few
 * rows at a time, one write every commit gap (`--log-gap`, 10 ms). Reports
 * each write's latency and the CPU time per write of the database and of this
 * process (the writer, its timers included): what many quiet documents cost
 * the machine (scenario b of bench:collab).
 */
async function updateLog() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-log-'));
  try {
    return await onFreshDb(dir, async (conn, pid) => {
      const store = mongoCollabStore(conn);
      await store.init();
      const update = edit(0);
      let n = 0;
      const write = () =>
        store.append(
          Array.from({ length: LOG_ROWS }, () => ({
            docName: docName(n++ % 100),
            update,
            userId: 'bench',
            sections: ['goals'],
            at: new Date(),
          })),
        );
      const pause = () => new Promise((r) => setTimeout(r, LOG_GAP_MS));
      for (let k = 0; k < 200; k++) await write(); // warm-up, and every document's seq block
      const cpu0 = cpuSeconds(pid);
      const ownCpu0 = process.cpuUsage();
      const ms: number[] = [];
      for (let k = 0; k < LOG_WRITES; k++) {
        ms.push(await timed(write));
        if (LOG_GAP_MS > 0) await pause();
      }
      const dbCpuMsPerWrite = r2(((cpuSeconds(pid) - cpu0) * 1000) / LOG_WRITES);
      const ownCpu = process.cpuUsage(ownCpu0);
      const writerCpuMsPerWrite = r2((ownCpu.user + ownCpu.system) / 1000 / LOG_WRITES);
      ms.sort((a, b) => a - b);
      const result = {
        writes: LOG_WRITES,
        rowsPerWrite: LOG_ROWS,
        gapMs: LOG_GAP_MS,
        writeMs: { p50: r2(percentile(ms, 50)), p99: r2(percentile(ms, 99)) },
        dbCpuMsPerWrite,
        writerCpuMsPerWrite,
      };
      console.warn(
        `update log, ${LOG_WRITES} writes of ${LOG_ROWS} rows ${LOG_GAP_MS} ms apart: write p50 ${result.writeMs.p50} ms, ` +
          `p99 ${result.writeMs.p99} ms; CPU a write: database ${dbCpuMsPerWrite} ms, writer ${writerCpuMsPerWrite} ms`,
      );
      return result;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function auditCheck() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-audit-'));
  const log = createLogger({ logLevel: 'warn' });
  try {
    await onFreshDb(dir, async (conn) => {
      const Audit = auditModel(conn);
      await Audit.createCollection();
      await Audit.createIndexes();
      await fillAudit(Audit, 0, AUDIT_CHECK_RECORDS);
    });
    const measure = (read: (conn: Connection) => Promise<unknown>) =>
      onFreshDb(dir, async (conn, pid) => {
        await auditModel(conn).exists({ seq: 1 });
        const startMib = peakRssMib(pid);
        const ms = await timed(() => read(conn));
        return { ms: Math.round(ms), dbPeakMib: r2(peakRssMib(pid)), dbStartMib: r2(startMib) };
      });
    const check = await measure(async (conn) => {
      const result = await createAuditLog(conn, systemClock, log).verify();
      if (!result.ok || result.checked !== AUDIT_CHECK_RECORDS)
        throw new Error('chain check failed');
    });
    const sortedRead = await measure(async (conn) => {
      for await (const record of auditModel(conn).find({}).sort({ seq: 1 }).lean().cursor())
        void record;
    });
    const result = { records: AUDIT_CHECK_RECORDS, check, sortedRead };
    console.warn(
      `${AUDIT_CHECK_RECORDS} audit records: chain check ${check.ms} ms, database peak ${check.dbPeakMib} MiB ` +
        `(from ${check.dbStartMib}); one sorted read of the log ${sortedRead.ms} ms, peak ${sortedRead.dbPeakMib} MiB`,
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const db = await startTempDb();
  const conn = await connectDb(db.uri, 'bench_store');
  try {
    const result = {
      benchmark: 'store',
      command: `npm run bench:store -- ${process.argv.slice(2).join(' ')}`.trim(),
      at: new Date().toISOString(),
      settings: { docKb: DOC_KB, loads: LOADS, editsBeforeCompaction: EDITS_BEFORE_COMPACTION },
      plans: await plans(conn),
      auditLog: await auditLog(conn),
      teams: await teams(conn),
      editHistory: await editHistory(conn),
      auditPage: await auditPage(db.uri),
      planList: await planListPage(db.uri),
      auditCheck: await auditCheck(),
      updateLog: await updateLog(),
    };
    console.warn(`written to ${writeResult('store', result)}`);
  } finally {
    await conn.close();
    await db.stop();
  }
}

await main();
