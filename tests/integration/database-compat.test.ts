import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import mongoose, { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { toBytes } from '@tandem/server/db/binary.ts';
import { uniqueDbName } from '../helpers/server.ts';

/**
 * Every database feature Tandem relies on, proven against the embedded
 * MongoDB-compatible database (or TEST_MONGODB_URI).
 */
let conn: Connection;

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
