import { mongo } from 'mongoose';

/** Bytes from a lean query: the driver returns BSON Binary, documents return Buffer. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof mongo.Binary) return value.buffer.subarray(0, value.position);
  if (value instanceof Uint8Array) return value;
  throw new TypeError('expected binary data');
}
