import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a record's hash covers, in a fixed order. */
export type ChainedFields = {
  seq: number;
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  patientId: string | null;
  teamId: string | null;
  outcome: string;
  requestId: string | null;
  ip: string | null;
  details: unknown;
  prevHash: string;
};

/** SHA-256 over the previous hash and a canonical encoding of the record. */
export function hashRecord(r: ChainedFields): string {
  const canonical = JSON.stringify([
    r.seq,
    r.at.toISOString(),
    r.actorId,
    r.actorRole,
    r.action,
    r.resourceType,
    r.resourceId,
    r.patientId,
    r.teamId,
    r.outcome,
    r.requestId,
    r.ip,
    canonicalize(r.details ?? null),
  ]);
  return createHash('sha256').update(r.prevHash).update('\n').update(canonical).digest('hex');
}

/** Sorts object keys so the same details always hash the same after a database round trip. */
function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonicalize((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
