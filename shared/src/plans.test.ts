import { describe, expect, it } from 'vitest';
import { planTasks, type PlanStanding } from './plans.ts';

const quiet: PlanStanding = {
  version: null,
  openProposals: 0,
  openThreads: 0,
  patientWaiting: 0,
  checkIns: { latest: [], followUpNeeded: 0, due: false },
};
const version = (signed: boolean, byYou = false): PlanStanding['version'] => ({
  number: 3,
  label: 'After intake',
  createdAt: '2026-12-01T10:00:00.000Z',
  signedAt: signed ? '2026-12-01T11:00:00.000Z' : null,
  acknowledgedAt: null,
  signedByYou: byYou,
});

describe('planTasks', () => {
  it('asks nothing of anyone on a quiet plan', () => {
    for (const role of ['prescriber', 'therapist', 'coordinator', 'patient'] as const) {
      expect(planTasks(role, quiet)).toEqual([]);
    }
  });

  it('asks the prescriber to sign a draft, and no one else to act on it', () => {
    const draft = { ...quiet, version: version(false) };
    expect(planTasks('prescriber', draft)).toEqual([{ kind: 'sign', version: 3 }]);
    expect(planTasks('therapist', draft)).toEqual([]);
    expect(planTasks('patient', draft)).toEqual([]);
    expect(planTasks('coordinator', draft)).toEqual([]);
  });

  it('asks the therapist to co-sign and the patient to review a signed version', () => {
    const signed = { ...quiet, version: version(true) };
    expect(planTasks('prescriber', signed)).toEqual([]);
    expect(planTasks('therapist', signed)).toEqual([{ kind: 'cosign', version: 3 }]);
    expect(planTasks('patient', signed)).toEqual([{ kind: 'acknowledge', version: 3 }]);
    expect(planTasks('coordinator', signed)).toEqual([]);
  });

  it('stops asking once the viewer has signed', () => {
    const done = { ...quiet, version: version(true, true) };
    expect(planTasks('therapist', done)).toEqual([]);
    expect(planTasks('patient', done)).toEqual([]);
  });

  it('asks the prescriber to decide proposals and the care team to answer the patient', () => {
    const busy = { ...quiet, version: version(false), openProposals: 2, patientWaiting: 1 };
    expect(planTasks('prescriber', busy)).toEqual([
      { kind: 'sign', version: 3 },
      { kind: 'decide', count: 2 },
      { kind: 'reply', count: 1 },
    ]);
    expect(planTasks('therapist', busy)).toEqual([{ kind: 'reply', count: 1 }]);
    expect(planTasks('coordinator', busy)).toEqual([{ kind: 'reply', count: 1 }]);
    expect(planTasks('patient', busy)).toEqual([]);
  });

  it('puts a safety follow-up first for clinicians, and asks the patient for a due check-in', () => {
    const checkIns = { latest: [], followUpNeeded: 1, due: true };
    const flagged = { ...quiet, version: version(true), checkIns };
    expect(planTasks('prescriber', flagged)).toEqual([{ kind: 'follow_up', count: 1 }]);
    expect(planTasks('therapist', flagged)).toEqual([
      { kind: 'follow_up', count: 1 },
      { kind: 'cosign', version: 3 },
    ]);
    expect(planTasks('coordinator', flagged)).toEqual([]);
    expect(planTasks('patient', flagged)).toEqual([
      { kind: 'acknowledge', version: 3 },
      { kind: 'check_in' },
    ]);
  });
});
