import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashRecord, type ChainedFields } from './chain.ts';

const record: ChainedFields = {
  seq: 1,
  at: new Date('2026-01-02T03:04:05.678Z'),
  actorId: 'a',
  actorRole: 'prescriber',
  action: 'plan.read',
  resourceType: 'plan',
  resourceId: 'p',
  patientId: 'pt',
  teamId: 't',
  outcome: 'success',
  requestId: 'r',
  ip: '127.0.0.1',
  details: { b: 1, a: { d: [1, 2], c: null } },
  prevHash: GENESIS_HASH,
};

describe('audit record hashes', () => {
  it('do not depend on the key order of details, which a database round trip may change', () => {
    expect(hashRecord({ ...record, details: { a: { c: null, d: [1, 2] }, b: 1 } })).toBe(
      hashRecord(record),
    );
  });

  it('change with every field and with the previous hash', () => {
    const base = hashRecord(record);
    const variants: Partial<ChainedFields>[] = [
      { seq: 2 },
      { at: new Date(record.at.getTime() + 1) },
      { actorId: 'b' },
      { actorRole: 'therapist' },
      { action: 'plan.export' },
      { resourceType: 'team' },
      { resourceId: 'q' },
      { patientId: null },
      { teamId: 'u' },
      { outcome: 'denied' },
      { requestId: 's' },
      { ip: '10.0.0.1' },
      { details: { b: 2, a: { d: [1, 2], c: null } } },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const v of variants)
      expect(hashRecord({ ...record, ...v }), JSON.stringify(v)).not.toBe(base);
  });
});
