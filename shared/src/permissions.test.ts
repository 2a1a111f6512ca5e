import { describe, expect, it } from 'vitest';
import {
  docAccess,
  parsePlanDocName,
  planDocName,
  PLAN_DOC_KINDS,
  PLAN_DOC_SECTIONS,
  PLAN_SECTIONS,
  roleMay,
  SECTION_ACCESS,
} from './permissions.ts';
import { ROLES } from './roles.ts';

describe('plan documents', () => {
  it('place every section in exactly one document', () => {
    const placed = PLAN_DOC_KINDS.flatMap((k) => PLAN_DOC_SECTIONS[k]);
    expect([...placed].sort()).toEqual([...PLAN_SECTIONS].sort());
  });

  it('group only sections whose access agrees for every role', () => {
    for (const kind of PLAN_DOC_KINDS) {
      for (const role of ROLES) {
        const levels = new Set(PLAN_DOC_SECTIONS[kind].map((s) => SECTION_ACCESS[s][role]));
        expect(levels.size, `${kind} for ${role}`).toBe(1);
      }
    }
  });

  it('give the access of the handbook table', () => {
    expect(docAccess('prescriber', 'medications')).toBe('write');
    expect(docAccess('therapist', 'medications')).toBe('read');
    expect(docAccess('therapist', 'care')).toBe('write');
    expect(docAccess('coordinator', 'care')).toBe('read');
    expect(docAccess('patient', 'care')).toBe('read');
    expect(docAccess('patient', 'private')).toBe('none');
    expect(docAccess('coordinator', 'private')).toBe('none');
  });

  it('round-trip their names and reject anything else', () => {
    const id = '0123456789abcdef01234567';
    expect(parsePlanDocName(planDocName(id, 'care'))).toEqual({ planId: id, kind: 'care' });
    expect(parsePlanDocName(`plan:${id}:secret`)).toBeNull();
    expect(parsePlanDocName('plan:xyz:care')).toBeNull();
    expect(parsePlanDocName('')).toBeNull();
  });
});

describe('actions', () => {
  it('let only prescribers sign and only coordinators manage teams', () => {
    expect(ROLES.filter((r) => roleMay(r, 'plan.sign'))).toEqual(['prescriber']);
    expect(ROLES.filter((r) => roleMay(r, 'plan.cosign'))).toEqual(['therapist']);
    expect(ROLES.filter((r) => roleMay(r, 'plan.acknowledge'))).toEqual(['patient']);
    expect(ROLES.filter((r) => roleMay(r, 'team.manage'))).toEqual(['coordinator']);
    expect(ROLES.every((r) => roleMay(r, 'plan.comment'))).toBe(true);
  });
});
