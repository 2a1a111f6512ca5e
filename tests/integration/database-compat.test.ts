import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import mongoose, {
  Schema,
  Types,
  type Connection,
  type InferSchemaType,
  type Model,
} from 'mongoose';
import { toBytes } from '@tandem/server/db/binary.ts';
import { uniqueDbName } from '../helpers/server.ts';

/**
 * Every database feature Tandem relies on, proven against the embedded
 * MongoDB-compatible database (or TEST_MONGODB_URI).
 */
let conn: Connection;
const { Long, Double } = mongoose.mongo;

const ItemSchema = new Schema({
  key: { type: String, required: true },
  group: String,
  n: Number,
  payload: Buffer,
  note: String,
});
ItemSchema.index({ key: 1 }, { unique: true });
let M: Model<InferSchemaType<typeof ItemSchema>>;

beforeAll(async () => {
  conn = mongoose.createConnection(inject('mongodbUri'), {
    dbName: uniqueDbName('compat'),
    autoIndex: false,
  });
  await conn.asPromise();
  M = conn.model('Item', ItemSchema);
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('embedded database compatibility', () => {
  it('creates, finds, updates and deletes', async () => {
    const doc = await M.create({ key: 'crud', n: 1 });
    expect((await M.findById(doc._id).lean())?.n).toBe(1);
    await M.updateOne({ _id: doc._id }, { $set: { n: 2 }, $inc: { __v: 1 } });
    expect((await M.findOne({ key: 'crud' }).lean())?.n).toBe(2);
    const updated = await M.findOneAndUpdate({ key: 'crud' }, { $inc: { n: 5 } }, { new: true });
    expect(updated?.n).toBe(7);
    await M.deleteOne({ _id: doc._id });
    expect(await M.findById(doc._id)).toBeNull();
  });

  it('enforces a unique index with error code 11000', async () => {
    await M.createIndexes();
    await M.create({ key: 'unique-1' });
    await expect(M.create({ key: 'unique-1' })).rejects.toMatchObject({ code: 11000 });
  });

  // Tandem's services update shared records (a plan's newest version and check-ins, a
  // thread's first comment, a team's members) from requests that may run at once.
  it('applies updates to one document at once without losing any', async () => {
    const docs = await M.insertMany(Array.from({ length: 20 }, (_, i) => ({ key: `race-${i}` })));
    await Promise.all(
      docs.flatMap(({ _id }) => [
        M.updateOne({ _id }, { $set: { group: 'g' } }),
        M.updateOne({ _id }, { $set: { note: 'n' } }),
        M.findOneAndUpdate({ _id }, { $set: { payload: Buffer.from([1]) } }),
        ...Array.from({ length: 5 }, () => M.updateOne({ _id }, { $inc: { n: 1 } })),
      ]),
    );
    const back = await M.find({ key: /^race-/ }).lean();
    expect(back.map((d) => [d.group, d.note, toBytes(d.payload)[0], d.n])).toEqual(
      docs.map(() => ['g', 'n', 1, 5]),
    );
  });

  it('lets one of many updates guarded by the same condition through', async () => {
    await M.create({ key: 'guard', n: 0 });
    const updates = await Promise.all(
      Array.from({ length: 10 }, () => M.updateOne({ key: 'guard', n: 0 }, { $set: { n: 1 } })),
    );
    const found = await Promise.all(
      Array.from({ length: 10 }, () =>
        M.findOneAndUpdate({ key: 'guard', n: 1 }, { $set: { n: 2 } }),
      ),
    );
    expect(updates.filter((r) => r.modifiedCount === 1)).toHaveLength(1);
    expect(found.filter((d) => d !== null)).toHaveLength(1);
  });

  // $sum over a field works on FerretDB v1; $sum of a constant (`$sum: 1`) yields 0
  // there, so Tandem counts with countDocuments or sums a stored field.
  it('counts, bulk-writes and aggregates with $match + $group/$sum', async () => {
    await M.bulkWrite([
      { insertOne: { document: { key: 'b1', group: 'a', n: 2 } } },
      { insertOne: { document: { key: 'b2', group: 'a', n: 3 } } },
      { insertOne: { document: { key: 'b3', group: 'b', n: 10 } } },
      { updateOne: { filter: { key: 'b3' }, update: { $set: { n: 11 } } } },
    ]);
    expect(await M.countDocuments({ key: { $in: ['b1', 'b2', 'b3'] } })).toBe(3);
    const groups = await M.aggregate<{ _id: string; total: number }>([
      { $match: { key: { $in: ['b1', 'b2', 'b3'] } } },
      { $group: { _id: '$group', total: { $sum: '$n' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(groups).toEqual([
      { _id: 'a', total: 5 },
      { _id: 'b', total: 11 },
    ]);
  });

  it('round-trips binary fields byte-exact', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    bytes[0] = 0;
    bytes[bytes.length - 1] = 0xff;
    await M.create({ key: 'bin', payload: bytes });
    const back = await M.findOne({ key: 'bin' }).lean();
    expect(Buffer.from(toBytes(back?.payload)).equals(bytes)).toBe(true);
  });

  it('stores and reads back a document near 1 MB', async () => {
    const note = 'plan text '.repeat(100_000); // 1,000,000 characters
    const payload = Buffer.alloc(16_000, 0xab);
    await M.create({ key: 'large', note, payload });
    const back = await M.findOne({ key: 'large' }).lean();
    expect(back?.note).toHaveLength(note.length);
    expect(back?.note === note).toBe(true);
    expect(Buffer.from(toBytes(back?.payload)).equals(payload)).toBe(true);
  });
});

/**
 * The embedded database answers equality on a top-level field from its index,
 * and on a dotted path with a text search, in SQL (tools/embedded-db/patches):
 * it must select exactly what MongoDB selects, arrays and strings that JSON
 * escapes included.
 */
describe('lookups by field equality', () => {
  const oid = new Types.ObjectId();
  const docs: Record<string, unknown>[] = [
    { name: 'plain', tag: 'a', group: 'g1' },
    { name: 'other', tag: 'b', group: 'g1' },
    { name: 'in-array', tag: ['x', 'a'], group: 'g2' },
    { name: 'object', tag: { a: 'a' }, group: 'g2' },
    { name: 'number', tag: 5, group: 'g2' },
    { name: 'upper', tag: 'A', group: 'g2' },
    { name: 'missing', group: 'g2' },
    { name: 'quote', tag: 'say "a"\\n', group: 'g3' },
    { name: 'html', tag: '<a & b>', group: 'g3' },
    { name: 'unicode', tag: 'é ü 漢 \u2028', group: 'g3' },
    { name: 'object-id', tag: oid, group: 'g3' },
    { name: 'hex-string', tag: oid.toHexString(), group: 'g3' },
    { name: 'n-int32', n: 7 },
    { name: 'n-int64', n: Long.fromNumber(7) },
    { name: 'n-double', n: new Double(7) },
    { name: 'n-array', n: [1, 7] },
    { name: 'n-string', n: '7' },
    { name: 'n-negative-zero', n: new Double(-0) },
    { name: 'n-fraction', n: 7.5 },
    { name: 'n-beyond-2^53', n: Long.fromString('9007199254740993') },
    { name: 'm-array', tag: 'm', members: [{ userId: oid, role: 'r' }, { userId: 'someone' }] },
    { name: 'm-subdocument', tag: 'm', members: { userId: oid } },
    { name: 'm-elsewhere', tag: 'm', members: [{ userId: 'nobody' }], owner: oid },
    { name: 'm-hex-string', tag: 'm', members: [{ userId: oid.toHexString() }] },
    { name: 'z-null', tag: 'z', at: null },
    { name: 'z-date', tag: 'z', at: new Date(0) },
    { name: 'z-missing', tag: 'z' },
    { name: 'z-array-with-null', tag: 'z', at: [1, null] },
    { name: 'z-array', tag: 'z', at: [1, 2] },
    { name: 'z-string-null', tag: 'z', at: 'null' },
    { name: 'z-object', tag: 'z', at: { a: null } },
  ];
  let coll: ReturnType<Connection['collection']>;
  const names = async (filter: object) =>
    (await coll.find(filter).toArray()).map((d) => d.name as string).sort();

  beforeAll(async () => {
    coll = conn.collection('lookups');
    await coll.createIndex({ tag: 1 });
    await coll.createIndex({ group: 1, name: 1 });
    await coll.createIndex({ n: 1 });
    await coll.createIndex({ 'members.userId': 1 });
    await coll.createIndex({ at: 1 });
    await coll.insertMany(docs.map((d) => ({ ...d })));
  });

  it('matches a string in the field and in arrays, nowhere else', async () => {
    expect(await names({ tag: 'a' })).toEqual(['in-array', 'plain']);
    expect(await names({ tag: { $eq: 'a' } })).toEqual(['in-array', 'plain']);
    expect(await names({ tag: 'zzz' })).toEqual([]);
  });

  it('matches strings that JSON escapes', async () => {
    expect(await names({ tag: 'say "a"\\n' })).toEqual(['quote']);
    expect(await names({ tag: '<a & b>' })).toEqual(['html']);
    expect(await names({ tag: 'é ü 漢 \u2028' })).toEqual(['unicode']);
  });

  it('tells an ObjectId from its hex string', async () => {
    expect(await names({ tag: oid })).toEqual(['object-id']);
    expect(await names({ tag: oid.toHexString() })).toEqual(['hex-string']);
  });

  it('matches a number whatever its type, as MongoDB does', async () => {
    const sevens = ['n-array', 'n-double', 'n-int32', 'n-int64'];
    expect(await names({ n: 7 })).toEqual(sevens);
    expect(await names({ n: new Double(7) })).toEqual(sevens);
    expect(await names({ n: Long.fromNumber(7) })).toEqual(sevens);
    expect(await names({ n: 0 })).toEqual(['n-negative-zero']);
    expect(await names({ n: 7.5 })).toEqual(['n-fraction']);
    expect(await names({ n: Long.fromString('9007199254740993') })).toEqual(['n-beyond-2^53']);
    expect(await names({ n: { $in: [1, '7'] } })).toEqual(['n-array', 'n-string']);
  });

  it('matches a value at a dotted path, through arrays, and nowhere else', async () => {
    expect(await names({ 'members.userId': oid })).toEqual(['m-array', 'm-subdocument']);
    expect(await names({ 'members.userId': oid.toHexString() })).toEqual(['m-hex-string']);
    expect(await names({ 'members.userId': { $in: ['someone', 'nobody'] } })).toEqual([
      'm-array',
      'm-elsewhere',
    ]);
    expect(await names({ 'members.userId': { $in: [] } })).toEqual([]);
    expect(await names({ $or: [{ 'members.userId': 'nobody' }, { tag: 'b' }] })).toEqual([
      'm-elsewhere',
      'other',
    ]);
    expect(await coll.countDocuments({ 'members.userId': oid })).toBe(2);
  });

  it('matches $in, several fields, and _id', async () => {
    expect(await names({ tag: { $in: ['b', '<a & b>', oid] } })).toEqual([
      'html',
      'object-id',
      'other',
    ]);
    expect(await names({ group: 'g1', tag: 'a' })).toEqual(['plain']);
    expect(await names({ group: 'g2', name: { $in: ['number', 'upper', 'plain'] } })).toEqual([
      'number',
      'upper',
    ]);
    const plain = await coll.findOne({ name: 'plain' });
    const other = await coll.findOne({ name: 'other' });
    expect(await names({ _id: plain!._id })).toEqual(['plain']);
    expect(await names({ _id: { $in: [plain!._id, other!._id] } })).toEqual(['other', 'plain']);
  });

  it('matches $or, $and and an empty $in', async () => {
    expect(await names({ $or: [{ tag: 'b' }, { group: 'g1', tag: 'a' }] })).toEqual([
      'other',
      'plain',
    ]);
    // A branch with nothing to look up may match anything.
    expect(
      await names({ $or: [{ tag: 'b' }, { tag: { $exists: false }, n: { $exists: false } }] }),
    ).toEqual(['missing', 'other']);
    expect(await names({ $and: [{ group: 'g2' }, { tag: 'a' }] })).toEqual(['in-array']);
    expect(await names({ tag: { $in: [] } })).toEqual([]);
    expect(await names({ group: 'g3', $or: [{ tag: oid }, { name: 'html' }] })).toEqual([
      'html',
      'object-id',
    ]);
  });

  it('matches null where the field is null, missing, or an array holding null', async () => {
    const nulls = ['z-array-with-null', 'z-missing', 'z-null'];
    expect(await names({ tag: 'z', at: null })).toEqual(nulls);
    expect(await names({ tag: 'z', at: { $eq: null } })).toEqual(nulls);
    expect(await names({ tag: 'z', at: { $in: [null, 'null'] } })).toEqual([
      ...nulls,
      'z-string-null',
    ]);
    expect(await names({ tag: 'z', $or: [{ at: null }, { name: 'z-date' }] })).toEqual([
      'z-array-with-null',
      'z-date',
      'z-missing',
      'z-null',
    ]);
    expect(await coll.countDocuments({ tag: 'z', at: null })).toBe(3);
    // An _id is never null: nothing matches, and nothing else is disturbed.
    expect(await names({ _id: null, tag: 'z' })).toEqual([]);
  });

  it('counts, updates and deletes what it finds', async () => {
    expect(await coll.countDocuments({ tag: 'a' })).toBe(2);
    const updated = await coll.updateMany({ tag: 'a' }, { $set: { seen: true } });
    expect(updated.modifiedCount).toBe(2);
    expect(await names({ seen: true })).toEqual(['in-array', 'plain']);
    const plain = await coll.findOne({ name: 'plain' });
    await coll.updateOne({ _id: plain!._id }, { $set: { note: 'by id' } });
    expect((await coll.findOne({ _id: plain!._id }))?.note).toBe('by id');
    const deleted = await coll.deleteMany({ tag: { $in: ['<a & b>', 'A'] } });
    expect(deleted.deletedCount).toBe(2);
    expect(await coll.countDocuments({})).toBe(docs.length - 2);
  });

  it('answers from the index, not a scan of the collection', async () => {
    const plan = async (filter: object) =>
      JSON.stringify(
        (await coll.find(filter).explain()) as { queryPlanner: unknown }['queryPlanner'],
      );
    // SQLite's plan names the index (FerretDB); MongoDB's an index scan.
    expect(await plan({ tag: 'a' })).toMatch(/USING INDEX \S*tag_1|IXSCAN/);
    expect(await plan({ n: 7 })).toMatch(/USING INDEX \S*n_1|IXSCAN/);
    expect(await plan({ $or: [{ tag: 'b' }, { group: 'g1' }] })).toMatch(
      /MULTI-INDEX OR.*USING INDEX \S*tag_1.*USING INDEX \S*group_1_name_1|IXSCAN/,
    );
    expect(await plan({ group: 'g1', name: 'plain' })).toMatch(
      /USING INDEX \S*group_1_name_1|IXSCAN/,
    );
    // No index holds values inside arrays of subdocuments; the embedded database still
    // filters in SQL, so it decodes only documents that hold the value.
    const dotted = await coll.find({ 'members.userId': oid }).explain();
    expect(
      (dotted as { filterPushdown?: boolean }).filterPushdown ??
        JSON.stringify(dotted.queryPlanner).includes('IXSCAN'),
    ).toBe(true);
    const plain = await coll.findOne({ name: 'plain' });
    expect(await plan({ _id: plain!._id })).toMatch(/USING INDEX \S*_id_|IDHACK|IXSCAN|EXPRESS/);
    // A null is looked up in SQL too, so only matching documents are decoded.
    const nullLookup = await coll.find({ at: null }).explain();
    expect(
      (nullLookup as { filterPushdown?: boolean }).filterPushdown ??
        JSON.stringify(nullLookup.queryPlanner).includes('IXSCAN'),
    ).toBe(true);
  });
});

/**
 * With a limit, the embedded database sorts by one top-level field in SQL when
 * every value it selects is one SQLite orders as MongoDB does
 * (tools/embedded-db/patches), and streams the result, so that it stops reading
 * at the limit; otherwise it sorts in memory. Either way the order must be
 * MongoDB's.
 */
describe('sorting by a field', () => {
  const oid = new Types.ObjectId();
  const at = new Date('2026-01-02T03:04:05.678Z');
  const scalars: Record<string, unknown>[] = [
    { name: 'missing' },
    { name: 'null', s: null },
    { name: 'long-3', s: Long.fromNumber(3) },
    { name: 'double-4', s: new Double(4) },
    { name: 'int-5', s: 5 },
    { name: 'negative', s: -12 },
    { name: 'double-2^53', s: new Double(2 ** 53) },
    { name: 'long-2^53+1', s: Long.fromString('9007199254740993') },
    { name: 'upper-B', s: 'B' },
    { name: 'lower-a', s: 'a' },
    { name: 'lower-b', s: 'b' },
    { name: 'accent', s: 'é' },
    { name: 'quote', s: 'a "q"' },
    { name: 'object-id', s: oid },
    { name: 'false', s: false },
    { name: 'true', s: true },
    { name: 'date', s: at },
  ];
  // MongoDB's order: null and missing (equal), numbers, strings by their UTF-8
  // bytes, ObjectIds, booleans, dates.
  const ascending = [
    'negative',
    'long-3',
    'double-4',
    'int-5',
    'double-2^53',
    'long-2^53+1',
    'upper-B',
    'lower-a',
    'quote',
    'lower-b',
    'accent',
    'object-id',
    'false',
    'true',
    'date',
  ];
  let coll: ReturnType<Connection['collection']>;
  const order = async (
    c: ReturnType<Connection['collection']>,
    filter: object,
    sort: Record<string, 1 | -1>,
    limit = 1000,
  ) => (await c.find(filter).sort(sort).limit(limit).toArray()).map((d) => d.name as string);
  const pushedDown = async (
    c: ReturnType<Connection['collection']>,
    filter: object,
    sort: Record<string, 1 | -1>,
    limit = 1000,
  ) =>
    ((await c.find(filter).sort(sort).limit(limit).explain()) as { sortPushdown?: boolean })
      .sortPushdown;

  beforeAll(async () => {
    coll = conn.collection('sorting');
    await coll.insertMany(scalars.map((d) => ({ ...d, g: 'scalars' })));
  });

  it('orders every type MongoDB orders, both ways', async () => {
    const up = await order(coll, { g: 'scalars' }, { s: 1 });
    expect(up.slice(0, 2).sort()).toEqual(['missing', 'null']);
    expect(up.slice(2)).toEqual(ascending);
    const down = await order(coll, { g: 'scalars' }, { s: -1 });
    expect(down.slice(0, -2)).toEqual([...ascending].reverse());
    expect(down.slice(-2).sort()).toEqual(['missing', 'null']);
    // FerretDB says whether SQL sorted; MongoDB's explain has no such field.
    expect(await pushedDown(coll, { g: 'scalars' }, { s: 1 })).not.toBe(false);
    // Without a limit every document is read anyway: the sort stays in memory.
    expect(await pushedDown(coll, { g: 'scalars' }, { s: 1 }, 0)).not.toBe(true);
    expect((await coll.find({ g: 'scalars' }).sort({ s: -1 }).toArray()).length).toBe(17);
  });

  it('pages by a limit and a bound, with conditions SQL leaves to the handler', async () => {
    const log = conn.collection('sorting_log');
    await log.insertMany(
      Array.from({ length: 300 }, (_, i) => ({
        name: `r${i + 1}`,
        seq: i + 1,
        patient: i % 3 === 0 ? 'p1' : 'p2',
        action: i % 2 === 0 ? 'read' : 'own',
      })),
    );
    await log.createIndex({ patient: 1, seq: -1 });
    const page = (before: number) =>
      order(
        log,
        { patient: 'p1', action: { $nin: ['own'] }, seq: { $lt: before } },
        { seq: -1 },
        4,
      );
    // p1 holds seqs 1, 4, 7, …; 'own' holds the even seqs.
    expect(await page(301)).toEqual(['r295', 'r289', 'r283', 'r277']);
    expect(await page(277)).toEqual(['r271', 'r265', 'r259', 'r253']);
    expect(await page(8)).toEqual(['r7', 'r1']);
    expect(await order(log, {}, { seq: 1 }, 2)).toEqual(['r1', 'r2']);
    expect(await pushedDown(log, { patient: 'p1' }, { seq: -1 })).not.toBe(false);
  });

  it('still orders values SQL cannot: arrays, documents, fractions, NUL', async () => {
    const mixed = conn.collection('sorting_mixed');
    await mixed.insertMany([
      { name: 'two', s: 2, g: 'a' },
      { name: 'fraction', s: 2.5, g: 'a' },
      { name: 'three', s: 3, g: 'a' },
      { name: 'string', s: 'x', g: 'a' },
    ]);
    expect(await order(mixed, { g: 'a' }, { s: 1 })).toEqual([
      'two',
      'fraction',
      'three',
      'string',
    ]);
    expect(await pushedDown(mixed, { g: 'a' }, { s: 1 })).not.toBe(true);

    await mixed.insertMany([
      { name: 'array-1-9', s: [9, 1], g: 'b' },
      { name: 'five', s: 5, g: 'b' },
      { name: 'document', s: { a: 1 }, g: 'b' },
      { name: 'nul', s: 'a\u0000', g: 'b' },
      { name: 'plain-a', s: 'a', g: 'b' },
    ]);
    // An array sorts by its least element going up and its greatest going down;
    // documents come after strings.
    expect(await order(mixed, { g: 'b' }, { s: 1 })).toEqual([
      'array-1-9',
      'five',
      'plain-a',
      'nul',
      'document',
    ]);
    expect(await order(mixed, { g: 'b' }, { s: -1 })).toEqual([
      'document',
      'nul',
      'plain-a',
      'array-1-9',
      'five',
    ]);
    expect(await order(mixed, { g: 'b', s: { $ne: 5 } }, { s: 1 }, 2)).toEqual([
      'array-1-9',
      'plain-a',
    ]);
    expect(await pushedDown(mixed, { g: 'b' }, { s: 1 })).not.toBe(true);
  });
});
