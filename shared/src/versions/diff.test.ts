import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addEntry,
  readList,
  removeEntry,
  richField,
  updateEntry,
  writeSectionFields,
} from '../plan/document.ts';
import { writeRichText } from '../plan/richtext.ts';
import { snapshotPlan } from '../plan/snapshot.ts';
import { applyTemplate } from '../plan/templates.ts';
import { diffPlans } from './diff.ts';
import type { MedicationSnapshot, PlanSnapshot } from './snapshot.ts';

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
    const after: PlanSnapshot = {
      monitoring: { notes: 'Check TSH' },
      education: { text: 'Sleep hygiene' },
    };
    expect(diffPlans({}, after).map((c) => c.plain)).toEqual([
      'Your check-ups and tests were updated.',
      'Education notes were updated.',
    ]);
  });
});

/** Both wordings of the changes between two lists of medications. */
function medChanges(before: MedicationSnapshot[], after: MedicationSnapshot[]) {
  return diffPlans({ medications: before }, { medications: after }).map(
    ({ kind, text, plain }) => ({
      kind,
      text,
      plain,
    }),
  );
}

describe('medication status changes', () => {
  it('words pausing and resuming a medication', () => {
    expect(medChanges([sertraline], [{ ...sertraline, status: 'paused' }])).toEqual([
      {
        kind: 'medication.status',
        text: 'Paused sertraline 50 mg once daily',
        plain: 'Sertraline was paused: do not take it for now.',
      },
    ]);
    expect(medChanges([{ ...sertraline, status: 'paused' }], [sertraline])).toEqual([
      {
        kind: 'medication.status',
        text: 'Resumed sertraline 50 mg once daily',
        plain: 'Sertraline was resumed: 50 mg, once a day.',
      },
    ]);
  });

  it('words a proposed or planned medication being started', () => {
    for (const from of ['proposed', 'planned']) {
      for (const to of ['active', 'titrating']) {
        expect(
          medChanges([{ ...sertraline, status: from }], [{ ...sertraline, status: to }]),
        ).toEqual([
          {
            kind: 'medication.started',
            text: 'Started sertraline 50 mg once daily',
            plain: 'Sertraline was started: 50 mg, once a day.',
          },
        ]);
      }
    }
  });

  it('words the other status changes in both wordings', () => {
    expect(
      medChanges([{ ...sertraline, status: 'proposed' }], [{ ...sertraline, status: 'planned' }]),
    ).toEqual([
      {
        kind: 'medication.status',
        text: 'sertraline: proposed → planned',
        plain: 'Sertraline is now planned: your prescriber will tell you when to start.',
      },
    ]);
    expect(
      medChanges(
        [{ ...sertraline, status: 'titrating' }],
        [{ ...sertraline, status: 'active' }],
      )[0],
    ).toMatchObject({ text: 'sertraline: titrating → active' });
    expect(
      medChanges(
        [{ ...sertraline, status: 'active' }],
        [{ ...sertraline, status: 'titrating' }],
      )[0],
    ).toMatchObject({ plain: 'Sertraline is now being adjusted step by step.' });
  });

  it('says a medication added paused, proposed or planned is not being taken', () => {
    const quetiapine = {
      id: 'm9',
      name: 'Quetiapine',
      dose: 25,
      unit: 'mg',
      frequency: 'at bedtime',
      status: 'paused',
    };
    expect(medChanges([], [quetiapine])).toEqual([
      {
        kind: 'medication.added',
        text: 'Added Quetiapine 25 mg at bedtime (paused)',
        plain: 'New medicine: Quetiapine, 25 mg, at bedtime. It is paused: do not take it for now.',
      },
    ]);
    expect(medChanges([], [{ ...quetiapine, status: 'proposed' }])[0]).toMatchObject({
      text: 'Added Quetiapine 25 mg at bedtime (proposed)',
      plain:
        'New medicine: Quetiapine, 25 mg, at bedtime. It is only suggested and not started: your prescriber will talk it through with you.',
    });
    expect(medChanges([], [{ ...quetiapine, status: 'planned' }])[0]).toMatchObject({
      text: 'Added Quetiapine 25 mg at bedtime (planned)',
      plain:
        'New medicine: Quetiapine, 25 mg, at bedtime. Your prescriber will tell you when to start.',
    });
  });

  it('does not call a proposal that was dropped a stopped medication', () => {
    const proposed = { ...sertraline, status: 'proposed' };
    const dropped = [
      {
        kind: 'medication.removed',
        text: 'No longer proposed: sertraline 50 mg once daily',
        plain: 'Sertraline is no longer suggested.',
      },
    ];
    expect(medChanges([proposed], [])).toEqual(dropped);
    expect(medChanges([proposed], [{ ...sertraline, status: 'stopped' }])).toEqual(dropped);
  });
});

describe('medication detail changes', () => {
  it('words a medicine renamed in place with its new dose as one medicine changed to another', () => {
    expect(medChanges([sertraline], [{ ...sertraline, name: 'escitalopram', dose: 10 }])).toEqual([
      {
        kind: 'medication.changed',
        text: 'sertraline 50 mg once daily → escitalopram 10 mg once daily',
        plain: 'Sertraline was changed to escitalopram: 10 mg, once a day.',
      },
    ]);
  });

  it('shows a route change alone and alongside a dose or frequency change', () => {
    const oral = { ...sertraline, route: 'oral' };
    expect(medChanges([oral], [{ ...oral, route: 'sublingual' }])).toEqual([
      {
        kind: 'medication.route',
        text: 'sertraline 50 mg once daily: oral → sublingual',
        plain: 'You now take sertraline under the tongue (before: by mouth).',
      },
    ]);
    expect(medChanges([oral], [{ ...oral, dose: 100, route: 'sublingual' }])).toEqual([
      {
        kind: 'medication.dose',
        text: 'sertraline 50 mg → 100 mg once daily, oral → sublingual',
        plain:
          'Your sertraline dose went up from 50 mg to 100 mg, once a day. You now take it under the tongue (before: by mouth).',
      },
    ]);
    expect(
      medChanges([oral], [{ ...oral, frequency: 'twice daily', route: 'sublingual' }])[0],
    ).toMatchObject({
      kind: 'medication.frequency',
      text: 'sertraline 50 mg once daily → twice daily, oral → sublingual',
    });
    expect(
      medChanges([oral], [{ ...oral, name: 'escitalopram', dose: 10, route: 'sublingual' }])[0]!
        .text,
    ).toBe('sertraline 50 mg oral once daily → escitalopram 10 mg sublingual once daily');
  });

  it('says a cleared or newly set dose in words, not with a blank', () => {
    expect(medChanges([sertraline], [{ ...sertraline, dose: null }])).toEqual([
      {
        kind: 'medication.dose',
        text: 'sertraline 50 mg → no dose, once daily',
        plain:
          'The dose of sertraline is no longer written in your plan (it was 50 mg, once a day). Ask your prescriber how much to take.',
      },
    ]);
    expect(medChanges([{ ...sertraline, dose: null }], [sertraline])).toEqual([
      {
        kind: 'medication.dose',
        text: 'sertraline no dose → 50 mg, once daily',
        plain: 'Your sertraline dose is now 50 mg, once a day.',
      },
    ]);
  });

  it('tells the patient the old and the new schedule when dose and frequency change together', () => {
    expect(
      medChanges([sertraline], [{ ...sertraline, dose: 225, frequency: 'twice daily' }])[0],
    ).toMatchObject({
      text: 'sertraline 50 mg → 225 mg, once daily → twice daily',
      plain: 'Your sertraline dose went up from 50 mg, once a day, to 225 mg, twice a day.',
    });
    // The same 100 mg a day, split in two: neither up nor down.
    expect(
      medChanges(
        [{ ...sertraline, dose: 100 }],
        [{ ...sertraline, dose: 50, frequency: 'twice daily' }],
      )[0]!.plain,
    ).toBe('Your sertraline dose changed from 100 mg, once a day, to 50 mg, twice a day.');
  });

  it('words instructions, indication and titration changes', () => {
    const before = {
      ...sertraline,
      instructions: 'Take in the morning with food.',
      indication: 'Depression',
      titration: [{ id: 't1', afterWeeks: 0, dose: 25, note: '' }],
    };
    const after = {
      ...before,
      instructions: 'Take at bedtime.',
      indication: 'Depression and anxiety',
      titration: [
        { id: 't1', afterWeeks: 0, dose: 25, note: '' },
        { id: 't2', afterWeeks: 2, dose: 50, note: 'if tolerated' },
      ],
    };
    expect(medChanges([before], [after])).toEqual([
      {
        kind: 'medication.changed',
        text: 'sertraline instructions: “Take in the morning with food.” → “Take at bedtime.”',
        plain: 'New instructions for sertraline: “Take at bedtime.”',
      },
      {
        kind: 'medication.changed',
        text: 'sertraline indication: Depression → Depression and anxiety',
        plain: 'Sertraline is now for Depression and anxiety.',
      },
      {
        kind: 'medication.changed',
        text: 'sertraline titration: week 0: 25 mg → week 0: 25 mg; week 2: 50 mg if tolerated',
        plain: 'The steps for changing your sertraline dose were updated.',
      },
    ]);
  });

  it('reads the same words in NFC and NFD as unchanged', () => {
    const nfc = 'Café au lait spots check'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfc).not.toBe(nfd);
    const goal = { id: 'g1', title: nfc, status: 'in-progress' };
    expect(diffPlans({ goals: [goal] }, { goals: [{ ...goal, title: nfd }] })).toEqual([]);
    const med = { ...sertraline, name: 'Sertralina', instructions: nfc };
    expect(medChanges([med], [{ ...med, name: 'Sertralina', instructions: nfd }])).toEqual([]);
    expect(
      diffPlans(
        { safety: { warningSigns: [{ id: 's1', text: nfc }] } },
        { safety: { warningSigns: [{ id: 's1', text: nfd }] } },
      ),
    ).toEqual([]);
  });
});

describe('evaluation, diagnoses and phasing', () => {
  const overview = {
    phasing: 'together',
    phasingNote: '',
    symptoms: 'Worry most days',
    history: '',
    lifestyle: '',
    patientGoals: '',
    diagnoses: [
      {
        id: 'd1',
        condition: 'Generalized anxiety disorder',
        code: '',
        status: 'provisional',
        note: '',
      },
    ],
  };

  it('words a diagnosis changed, added and removed', () => {
    const changed = diffPlans(
      { overview },
      {
        overview: {
          ...overview,
          diagnoses: [
            { id: 'd1', condition: 'Panic disorder', code: 'F41.0', status: 'confirmed', note: '' },
          ],
        },
      },
    );
    expect(changed).toEqual([
      {
        section: 'diagnoses',
        kind: 'diagnosis.changed',
        text: 'Diagnosis Generalized anxiety disorder, provisional → Panic disorder F41.0, confirmed',
        plain:
          'A diagnosis was changed from Generalized anxiety disorder to Panic disorder (confirmed).',
      },
    ]);
    const insomnia = {
      id: 'd2',
      condition: 'Insomnia',
      code: 'F51.01',
      status: 'provisional',
      note: '',
    };
    expect(
      diffPlans(
        { overview },
        { overview: { ...overview, diagnoses: [...overview.diagnoses, insomnia] } },
      )[0],
    ).toMatchObject({
      kind: 'diagnosis.added',
      text: 'Diagnosis added: Insomnia F51.01, provisional',
      plain: 'New diagnosis: Insomnia (provisional: not yet certain).',
    });
    expect(diffPlans({ overview }, { overview: { ...overview, diagnoses: [] } })[0]).toMatchObject({
      kind: 'diagnosis.removed',
      text: 'Diagnosis removed: Generalized anxiety disorder, provisional',
      plain: 'Generalized anxiety disorder was taken off your list of diagnoses.',
    });
    const confirmed = diffPlans(
      { overview },
      {
        overview: { ...overview, diagnoses: [{ ...overview.diagnoses[0]!, status: 'confirmed' }] },
      },
    );
    expect(confirmed[0]!.plain).toBe(
      'Your diagnosis of Generalized anxiety disorder is now confirmed.',
    );
  });

  it('words a change of phasing and of the evaluation text', () => {
    const changes = diffPlans(
      { overview },
      {
        overview: {
          ...overview,
          phasing: 'medication-first',
          symptoms: 'Panic attacks twice a week',
          lifestyle: 'Night shifts',
        },
      },
    );
    expect(changes).toEqual([
      {
        section: 'evaluation',
        kind: 'section.changed',
        text: 'Evaluation summary updated: symptoms, lifestyle',
        plain: 'The summary of your evaluation was updated.',
      },
      {
        section: 'phasing',
        kind: 'section.changed',
        text: 'Phasing: Medication and therapy together → Medication first, therapy after',
        plain:
          'The order of your treatment changed. You start with medication first. Once you feel steadier, therapy begins.',
      },
    ]);
  });

  it('reports no phasing change for a plan first reviewed with the default phasing', () => {
    expect(diffPlans({}, { overview: { ...overview, symptoms: '', diagnoses: [] } })).toEqual([]);
  });
});

describe('therapy sessions and homework', () => {
  const therapy = {
    modality: 'CBT',
    frequency: 'weekly',
    therapist: 'Sam Rivera',
    sessionLength: 50,
    focus: '',
    homework: [{ id: 'h1', task: 'Thought record twice a week', due: '', done: false }],
  };

  it('words a change of session length', () => {
    expect(diffPlans({ therapy }, { therapy: { ...therapy, sessionLength: 30 } })).toEqual([
      {
        section: 'therapy',
        kind: 'therapy.length',
        text: 'Therapy session length 50 min → 30 min',
        plain: 'Therapy sessions are now 30 minutes long (before: 50 minutes).',
      },
    ]);
  });

  it('words homework added, removed, marked done and rescheduled', () => {
    const diary = { id: 'h2', task: 'Activity diary', due: '2025-03-10', done: false };
    expect(
      diffPlans({ therapy }, { therapy: { ...therapy, homework: [...therapy.homework, diary] } }),
    ).toEqual([
      {
        section: 'therapy',
        kind: 'homework.added',
        text: 'Homework added: “Activity diary”, due 2025-03-10',
        plain: 'New homework: “Activity diary”, by March 10, 2025.',
      },
    ]);
    expect(diffPlans({ therapy }, { therapy: { ...therapy, homework: [] } })).toEqual([
      {
        section: 'therapy',
        kind: 'homework.removed',
        text: 'Homework removed: “Thought record twice a week”',
        plain: 'The homework “Thought record twice a week” was taken off your plan.',
      },
    ]);
    const done = { ...therapy.homework[0]!, done: true, due: '2025-03-17' };
    expect(
      diffPlans({ therapy }, { therapy: { ...therapy, homework: [done] } }).map((c) => c.text),
    ).toEqual([
      'Homework “Thought record twice a week”: due not set → 2025-03-17',
      'Homework “Thought record twice a week” marked done',
    ]);
  });
});

describe('diffs of real plan snapshots', () => {
  it('find changes to diagnoses, phasing, evaluation, homework and session length where snapshotPlan puts them', () => {
    const docs = { care: new Y.Doc(), medications: new Y.Doc() };
    applyTemplate('depression-anxiety', docs, { start: '2025-03-03' });
    const before = snapshotPlan(docs);
    const { care } = docs;
    const gad = readList(care, 'diagnoses').find((d) => d.code === 'F41.1')!;
    updateEntry(care, 'diagnoses', gad.id, {
      condition: 'Panic disorder',
      code: 'F41.0',
      status: 'confirmed',
    });
    writeSectionFields(care, 'overview', { phasing: 'medication-first' });
    writeRichText(richField(care, 'overview', 'symptoms')!, [
      { type: 'paragraph', text: 'Panic attacks twice a week' },
    ]);
    writeSectionFields(care, 'therapy', { sessionLength: 30 });
    const [diary] = readList(care, 'homework');
    removeEntry(care, 'homework', diary!.id);
    addEntry(care, 'homework', { task: 'Breathing practice daily', due: '', done: false });

    expect(diffPlans(before, snapshotPlan(docs)).map((c) => c.text)).toEqual([
      'Evaluation summary updated: symptoms',
      'Diagnosis Generalized anxiety disorder F41.1, provisional → Panic disorder F41.0, confirmed',
      'Phasing: Medication and therapy together → Medication first, therapy after',
      'Therapy session length 50 min → 30 min',
      'Homework added: “Breathing practice daily”',
      'Homework removed: “Activity diary: one pleasant activity a day”',
    ]);
  });
});
