import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { AppContext } from '../context.ts';
import { toBytes } from '../db/binary.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

/**
 * One key per person that seals the edits a device keeps while they cannot
 * reach the server (web/src/lib/collab/stash.ts). Only the server holds it
 * and hands it to a signed-in session, so a device's copy is unreadable to
 * anyone who takes the device without the person's account. It is a
 * collection of its own so that no query for users can carry it along.
 */
const DeviceKeySchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    key: { type: Buffer, required: true },
  },
  { timestamps: true },
);
DeviceKeySchema.index({ userId: 1 }, { unique: true });

export type DeviceKeyDoc = InferSchemaType<typeof DeviceKeySchema>;
export type DeviceKeyModel = Model<DeviceKeyDoc>;

export function deviceKeyModel(conn: Connection): DeviceKeyModel {
  return (
    (conn.models.DeviceKey as DeviceKeyModel | undefined) ??
    conn.model('DeviceKey', DeviceKeySchema)
  );
}

/** AES-256 key length in bytes. */
export const DEVICE_KEY_BYTES = 32;

/** The person's key, made on first use; two first uses at once agree on one key. */
export async function deviceKeyOf(ctx: AppContext, userId: string): Promise<Uint8Array> {
  const model = deviceKeyModel(ctx.conn);
  const found = await model.findOne({ userId }, { key: 1 }).lean();
  if (found) return toBytes(found.key);
  try {
    await model.create({ userId, key: randomBytes(DEVICE_KEY_BYTES) });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const made = await model.findOne({ userId }, { key: 1 }).lean();
  if (!made) throw new Error('device key missing after insert');
  return toBytes(made.key);
}
