import { describe, expect, it } from 'vitest';
import { diffPlans } from './diff.ts';
import type { PlanSnapshot } from './snapshot.ts';

const sertraline = {
  id: 'm1',
  name: 'sertraline',
  dose: 50,
  unit: 'mg',
  frequency: 'once daily',
  status: 'active',
};

function texts(before: PlanSnapshot, after: PlanSnapshot) {
  return diffPlans(before, after).map((c) => c.text);
}

describe('medication changes', () => {
  it('words a dose increase the clinical way and the plain way', () => {
    const [c, ...rest] = diffPlans(
      { medications: [sertraline] },
      { medications: [{ ...sertraline, dose: 100 }] },
    );
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      kind: 'medication.dose',
      text: 'sertraline 50 mg → 100 mg once daily',
      plain: 'Your sertraline dose went up from 50 mg to 100 mg, once a day.',
    });
  });

  it('words a dose decrease with a frequency change', () => {
    expect(
      texts(
        { medications: [sertraline] },
        { medications: [{ ...sertraline, dose: 25, frequency: 'twice daily' }] },
      ),
    ).toEqual(['sertraline 50 mg → 25 mg, once daily → twice daily']);
  });

  it('words a frequency-only change', () => {
    const [c] = diffPlans(
      { medications: [sertraline] },
      { medications: [{ ...sertraline, frequency: 'at bedtime' }] },
    );
    expect(c).toMatchObject({
      kind: 'medication.frequency',
      text: 'sertraline 50 mg once daily → at bedtime',
    });
  });

  it('words starting, stopping by status and stopping by removal', () => {
    const bupropion = {
      id: 'm2',
      name: 'bupropion XL',
      dose: 150,
      unit: 'mg',
      frequency: 'every morning',
      status: 'active',
    };
    expect(diffPlans({ medications: [] }, { medications: [bupropion] })[0]).toMatchObject({
      kind: 'medication.started',
      text: 'Started bupropion XL 150 mg every morning',
      plain: 'New medicine: bupropion XL, 150 mg, every morning.',
    });
    expect(
      texts({ medications: [sertraline] }, { medications: [{ ...sertraline, status: 'stopped' }] }),
    ).toEqual(['Stopped sertraline 50 mg once daily']);
    expect(texts({ medications: [sertraline] }, { medications: [] })).toEqual([
      'Stopped sertraline 50 mg once daily',
    ]);
  });

  it('reports nothing when nothing changed', () => {
    expect(diffPlans({ medications: [sertraline] }, { medications: [{ ...sertraline }] })).toEqual(
      [],
    );
  });
});

describe('goal changes', () => {
  const goal = { id: 'g1', title: 'Sleep 7 hours a night', status: 'in_progress' };
  it('words added, removed, retitled and status changes', () => {
    expect(texts({ goals: [] }, { goals: [goal] })).toEqual([
      'Goal added: “Sleep 7 hours a night”',
    ]);
    expect(texts({ goals: [goal] }, { goals: [] })).toEqual([
      'Goal removed: “Sleep 7 hours a night”',
    ]);
    expect(texts({ goals: [goal] }, { goals: [{ ...goal, title: 'Sleep 8 hours' }] })).toEqual([
      'Goal renamed: “Sleep 7 hours a night” → “Sleep 8 hours”',
    ]);
    const [status] = diffPlans({ goals: [goal] }, { goals: [{ ...goal, status: 'achieved' }] });
    expect(status).toMatchObject({
      text: 'Goal “Sleep 7 hours a night”: in progress → achieved',
      plain: 'Your goal “Sleep 7 hours a night” is now achieved.',
    });
  });
});

describe('therapy and safety changes', () => {
  it('words a modality and a frequency change', () => {
    expect(
      texts(
        { therapy: { modality: 'CBT', frequency: 'weekly' } },
        { therapy: { modality: 'DBT', frequency: 'biweekly' } },
      ),
    ).toEqual(['Therapy modality CBT → DBT', 'Therapy frequency weekly → biweekly']);
  });

  it('marks a therapy added or ended as such, not as a change of modality', () => {
    const started = diffPlans({}, { therapy: { modality: 'CBT', frequency: 'weekly' } });
    expect(started).toEqual([
      {
        section: 'therapy',
        kind: 'therapy.added',
        text: 'Therapy added: CBT, weekly',
        plain: 'New therapy: CBT, once a week.',
      },
    ]);
    const ended = diffPlans({ therapy: [{ id: 't1', modality: 'CBT' }] }, { therapy: [] });
    expect(ended).toEqual([
      {
        section: 'therapy',
        kind: 'therapy.removed',
        text: 'Therapy ended: CBT',
        plain: 'CBT therapy was taken off your plan.',
      },
    ]);
  });

  it('lists safety-plan items added and removed', () => {
    const changes = diffPlans(
      { safety: { warningSigns: ['Not sleeping'], copingStrategies: ['Walk'] } },
      { safety: { warningSigns: ['Not sleeping', 'Skipping meals'], copingStrategies: [] } },
    );
    expect(changes.map((c) => c.text)).toEqual([
      'Safety plan: added warning sign “Skipping meals”',
      'Safety plan: removed coping strategy “Walk”',
    ]);
    expect(changes[0]!.plain).toBe('Your safety plan has a new warning sign: “Skipping meals”.');
  });
});

describe('sections compared as a whole', () => {
  it('ignores key order, as between a stored version (sorted keys) and the live plan', () => {
    const live: PlanSnapshot = {
      monitoring: { notes: '', sideEffectChecks: [{ name: 'PHQ-9', id: 's1' }], labs: [] },
      safety: { environment: { text: 'Locked cabinet', id: 'e1' } },
    };
    const stored: PlanSnapshot = {
      monitoring: { labs: [], notes: '', sideEffectChecks: [{ id: 's1', name: 'PHQ-9' }] },
      safety: { environment: { id: 'e1', text: 'Locked cabinet' } },
    };
    expect(diffPlans(stored, live)).toEqual([]);
    expect(texts(stored, { ...live, monitoring: { labs: [], notes: 'Check TSH' } })).toEqual([
      'Monitoring updated',
    ]);
  });

  it('tells the patient of each in a sentence of its own', () => {
    const before: PlanSnapshot = {};
    const after: PlanSnapshot = {
      monitoring: { notes: 'Check TSH' },
      education: { text: 'Sleep hygiene' },
      evaluation: { text: 'Seen in clinic' },
      diagnoses: [{ id: 'd1', condition: 'F33.1' }],
      phasing: { text: 'Therapy first' },
    };
    expect(diffPlans(before, after).map((c) => c.plain)).toEqual([
      'Your check-ups and tests were updated.',
      'Education notes were updated.',
      'The summary of your evaluation was updated.',
      'Your diagnoses were updated.',
      'How your medication and therapy fit together was updated.',
    ]);
  });
});
