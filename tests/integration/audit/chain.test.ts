import { describe, expect, inject, it } from 'vitest';
import { Types } from 'mongoose';
import type { AuditVerifyResult } from '@tandem/shared';
import { GENESIS_HASH, hashRecord } from '@tandem/server/audit/chain.ts';
import { createAuditLog } from '@tandem/server/audit/service.ts';
import { connectDb } from '@tandem/server/db/connect.ts';
import { systemClock } from '@tandem/server/context.ts';
import { createLogger } from '@tandem/server/log.ts';
import { registerTeardown, startTestServer, uniqueDbName } from '../../helpers/server.ts';
import { Api, DEMO, demoPlans, loginAs } from '../../helpers/api.ts';

const other = (v: unknown) => `${String(v)}-changed`;
/** One change per stored field the hash covers (seq is covered by the link check instead). */
const TAMPER: [field: string, change: (original: unknown) => unknown][] = [
  ['action', other],
  ['outcome', (v) => (v === 'success' ? 'failure' : 'success')],
  ['actorId', other],
  ['actorRole', (v) => (v === 'coordinator' ? 'prescriber' : 'coordinator')],
  ['details', (v) => ({ ...(v as object), note: 'added later' })],
  ['at', (v) => new Date((v as Date).getTime() + 1)],
  ['resourceId', other],
  ['patientId', other],
  ['teamId', other],
  ['requestId', other],
  ['ip', () => '203.0.113.9'],
  ['prevHash', () => 'f'.repeat(64)],
  ['hash', () => 'e'.repeat(64)],
];

describe('the audit chain', () => {
  it('verifies, and names exactly the record that was changed in the database', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { url } = server;
    const { north } = await demoPlans(url);
    const anon = new Api(url);
    await anon.post('/auth/login', { email: DEMO.patient, password: 'wrong' });
    await anon.get('/plans');
    const prescriber = await loginAs(url, 'prescriber');
    for (let i = 0; i < 4; i++) await prescriber.get(`/plans/${north}`);
    const coordinator = await loginAs(url, 'coordinator');

    const verify = async () => (await coordinator.get<AuditVerifyResult>('/audit/verify')).body;
    const clean = await verify();
    expect(clean).toMatchObject({ ok: true, firstBrokenId: null });
    expect(clean.checked).toBeGreaterThan(10);

    const audits = server.tandem.ctx.conn.collection('audits');
    const records = await audits.find({}).sort({ seq: 1 }).limit(clean.checked).toArray();
    for (const [i, original] of records.entries()) {
      const [field, change] = TAMPER[i % TAMPER.length]!;
      await audits.updateOne({ _id: original._id }, { $set: { [field]: change(original[field]) } });
      const broken = await verify();
      expect(broken, `record ${i + 1} with ${field} changed`).toMatchObject({
        ok: false,
        checked: i + 1,
        firstBrokenId: String(original._id),
        missingFrom: null,
      });
      await audits.replaceOne({ _id: original._id }, original);
    }
    expect(await verify()).toMatchObject({ ok: true, firstBrokenId: null });
  });

  it('notices a record removed from the middle of the chain', async () => {
    const server = await startTestServer({ seedDemo: true });
    const anon = new Api(server.url);
    for (let i = 0; i < 5; i++) await anon.get('/plans');
    const audits = server.tandem.ctx.conn.collection('audits');
    const [, second, third] = await audits.find({}).sort({ seq: 1 }).limit(3).toArray();
    await audits.deleteOne({ _id: second!._id });
    expect(await server.tandem.ctx.audit.verify()).toMatchObject({
      ok: false,
      checked: 2,
      firstBrokenId: String(third!._id),
    });
  });

  it('notices records cut off the end of the log that this server wrote', async () => {
    const server = await startTestServer({ seedDemo: true });
    const anon = new Api(server.url);
    for (let i = 0; i < 5; i++) await anon.get('/plans');
    const { audit } = server.tandem.ctx;
    const whole = await audit.verify();
    expect(whole).toMatchObject({ ok: true, missingFrom: null, lastSeq: whole.checked });
    const audits = server.tandem.ctx.conn.collection('audits');
    const cut = whole.lastSeq - 2;
    const kept = await audits.findOne({ seq: cut - 1 });
    await audits.deleteMany({ seq: { $gte: cut } });
    // Every remaining link holds; only what this server knows it wrote tells.
    expect(await audit.verify()).toEqual({
      ok: false,
      checked: cut - 1,
      firstBrokenId: null,
      missingFrom: cut,
      lastSeq: cut - 1,
      lastHash: kept!.hash,
    });
  });

  it('finds a break after missing records, past the last record and before the first, and a whole chain stored out of order', async () => {
    const conn = await connectDb(inject('mongodbUri'), uniqueDbName('audit'));
    registerTeardown(() => conn.close());
    const audit = createAuditLog(conn, systemClock, createLogger({ logLevel: 'silent' }));
    await audit.record({ action: 'first', outcome: 'success' }); // creates the collection and index
    const audits = conn.collection('audits');
    const first = await audits.findOne({ seq: 1 });
    let prevHash = first!.hash as string;
    const rows = [];
    for (let seq = 2; seq <= 60; seq++) {
      const fields = {
        ...{ seq, at: new Date(), actorId: 'u1', actorRole: 'therapist', action: 'plan.view' },
        ...{ resourceType: 'plan', resourceId: `p${seq}`, patientId: 'pt1', teamId: 't1' },
        ...{ outcome: 'success', requestId: null, ip: null, details: null, prevHash },
      };
      prevHash = hashRecord(fields);
      rows.push({ ...fields, hash: prevHash });
    }
    await audits.insertMany(rows);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 60, firstBrokenId: null });

    const bySeq = async (seq: number) => (await audits.findOne({ seq }))!;
    const expectBrokenAt = async (seq: number, checked: number) =>
      expect(await audit.verify()).toMatchObject({
        ok: false,
        checked,
        firstBrokenId: String((await bySeq(seq))._id),
      });

    // Records 21 to 40 missing: the next one breaks the chain.
    const run = await audits.find({ seq: { $gte: 21, $lte: 40 } }).toArray();
    await audits.deleteMany({ seq: { $gte: 21, $lte: 40 } });
    await expectBrokenAt(41, 21);
    await audits.insertMany(run);

    // A copy of the last record, placed after a gap, then one placed before the first.
    const last = await bySeq(60);
    await audits.insertOne({ ...last, _id: new Types.ObjectId(), seq: 9000 });
    await expectBrokenAt(9000, 61);
    await audits.insertOne({ ...last, _id: new Types.ObjectId(), seq: 0 });
    await expectBrokenAt(0, 1);
    await audits.deleteMany({ seq: { $in: [0, 9000] } });
    // Records 21 to 40 are now stored after 60: read as stored they are out of order, so
    // the check reads the log sorted, and the chain is whole.
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 60, firstBrokenId: null });
  });

  it('continues the chain after a restart at every length of the log', async () => {
    const server = await startTestServer();
    const { conn, clock, log } = server.tandem.ctx;
    const audits = conn.collection('audits');
    const start = await audits.countDocuments({});
    // A new audit log is what a restarted instance has: it finds the tail in the database.
    for (let n = start; n < start + 20; n++) {
      await createAuditLog(conn, clock, log).record({ action: `restart.${n}`, outcome: 'success' });
      const added = await audits.findOne({ action: `restart.${n}` });
      const before = await audits.findOne({ seq: n });
      expect(added?.seq, `appended after ${n} records`).toBe(n + 1);
      expect(added?.prevHash).toBe(n === 0 ? GENESIS_HASH : before?.hash);
    }
    expect(await server.tandem.ctx.audit.verify()).toMatchObject({ ok: true, checked: start + 20 });
  });

  it('knows the newest seq after another instance appended', async () => {
    const conn = await connectDb(inject('mongodbUri'), uniqueDbName('audit'));
    registerTeardown(() => conn.close());
    const log = createLogger({ logLevel: 'silent' });
    const [a, b] = [createAuditLog(conn, systemClock, log), createAuditLog(conn, systemClock, log)];
    expect(await a.lastSeq()).toBe(0);
    for (let i = 0; i < 3; i++) await a.record({ action: 'a', outcome: 'success' });
    for (let n = 4; n <= 40; n++) {
      await b.record({ action: 'b', outcome: 'success' });
      expect(await a.lastSeq(), `after ${n} records`).toBe(n);
    }
  });

  it('only lets coordinators run the check', async () => {
    const { url } = await startTestServer({ seedDemo: true });
    for (const who of ['prescriber', 'therapist', 'patient', 'prescriber2'] as const) {
      expect((await (await loginAs(url, who)).get('/audit/verify')).status, who).toBe(403);
    }
    expect((await new Api(url).get('/audit/verify')).status).toBe(401);
  });
});
