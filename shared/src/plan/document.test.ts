import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addEntry,
  ensurePlanStructure,
  listArray,
  moveEntry,
  PLAN_DOC_LAYOUT,
  readList,
  readSectionFields,
  removeEntry,
  richField,
  updateEntry,
  writeSectionFields,
} from './document.ts';
import { PLAN_DOC_SECTIONS } from '../permissions.ts';

/** Two replicas of one document that exchange every update, like two browsers through the server. */
function connectedPair(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'),
  );
  b.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'),
  );
  return [a, b];
}

describe('plan document layout', () => {
  it('puts every permission section in the document the permission table says', () => {
    for (const [kind, sections] of Object.entries(PLAN_DOC_SECTIONS)) {
      const layout = PLAN_DOC_LAYOUT[kind as keyof typeof PLAN_DOC_LAYOUT] as readonly string[];
      for (const section of sections) expect(layout).toContain(section);
    }
  });

  it('creates the structure once; running it again changes nothing', () => {
    const doc = new Y.Doc();
    ensurePlanStructure(doc, 'care');
    expect(richField(doc, 'therapy', 'focus')).toBeInstanceOf(Y.XmlFragment);
    expect(richField(doc, 'overview', 'patientGoals')).toBeInstanceOf(Y.XmlFragment);
    expect(listArray(doc, 'warningSigns')).toBeInstanceOf(Y.Array);
    expect(listArray(doc, 'labs')).toBeInstanceOf(Y.Array);
    let updates = 0;
    doc.on('update', () => updates++);
    ensurePlanStructure(doc, 'care');
    expect(updates).toBe(0);
  });

  it('keeps the medications and private documents to their own sections', () => {
    const meds = new Y.Doc();
    ensurePlanStructure(meds, 'medications');
    expect([...meds.share.keys()]).toEqual(['medications']);
    const priv = new Y.Doc();
    ensurePlanStructure(priv, 'private');
    expect([...priv.share.keys()]).toEqual(['privateNotes']);
  });
});

describe('list entries', () => {
  it('adds, updates, moves and removes goals, keeping ids', () => {
    const doc = new Y.Doc();
    const a = addEntry(doc, 'goals', { title: 'Sleep better', target: '7 hours' });
    const b = addEntry(doc, 'goals', { title: 'Return to work', status: 'in-progress' });
    const c = addEntry(doc, 'goals', { title: 'Walk daily' }, 0);
    expect(readList(doc, 'goals').map((g) => g.id)).toEqual([c, a, b]);
    expect(readList(doc, 'goals')[1]).toEqual({
      id: a,
      title: 'Sleep better',
      status: 'not-started',
      target: '7 hours',
      dueDate: '',
      patientWords: '',
    });

    expect(
      updateEntry(doc, 'goals', a, { status: 'achieved', patientWords: 'I sleep through' }),
    ).toBe(true);
    expect(moveEntry(doc, 'goals', b, 0)).toBe(true);
    expect(readList(doc, 'goals').map((g) => g.title)).toEqual([
      'Return to work',
      'Walk daily',
      'Sleep better',
    ]);
    expect(readList(doc, 'goals')[2]!.status).toBe('achieved');
    expect(readList(doc, 'goals')[0]!.id).toBe(b);

    expect(removeEntry(doc, 'goals', c)).toBe(true);
    expect(removeEntry(doc, 'goals', c)).toBe(false);
    expect(updateEntry(doc, 'goals', 'missing', { title: 'x' })).toBe(false);
    expect(readList(doc, 'goals').map((g) => g.id)).toEqual([b, a]);
  });

  it('stores goals and medications as Y.Arrays of Y.Maps with a string id', () => {
    const doc = new Y.Doc();
    addEntry(doc, 'medications', {
      name: 'Sertraline',
      dose: 50,
      unit: 'mg',
      frequency: 'once daily',
      titration: [{ afterWeeks: 0, dose: 25, note: 'start' }],
    });
    const arr = doc.getArray('medications');
    const med = arr.get(0) as Y.Map<unknown>;
    expect(med).toBeInstanceOf(Y.Map);
    expect(typeof med.get('id')).toBe('string');
    expect(med.get('dose')).toBe(50);
    expect(med.get('titration')).toBeInstanceOf(Y.Array);
    const [entry] = readList(doc, 'medications');
    expect(entry!.titration).toEqual([
      { id: expect.any(String), afterWeeks: 0, dose: 25, note: 'start' },
    ]);
  });

  it('reads fields of the wrong type as their defaults and skips entries without an id', () => {
    const doc = new Y.Doc();
    const arr = doc.getArray<Y.Map<unknown>>('medications');
    const bad = new Y.Map<unknown>();
    bad.set('id', 'm1');
    bad.set('name', 'Lithium');
    bad.set('dose', 'lots');
    bad.set('status', 'exploded');
    const noId = new Y.Map<unknown>();
    noId.set('name', 'Ghost');
    arr.push([bad, noId]);
    const meds = readList(doc, 'medications');
    expect(meds).toHaveLength(1);
    expect(meds[0]).toMatchObject({ id: 'm1', name: 'Lithium', dose: null, status: 'planned' });
  });

  it('does not write unchanged values', () => {
    const doc = new Y.Doc();
    const id = addEntry(doc, 'goals', { title: 'Same' });
    writeSectionFields(doc, 'therapy', { modality: 'CBT' });
    let updates = 0;
    doc.on('update', () => updates++);
    updateEntry(doc, 'goals', id, { title: 'Same' });
    writeSectionFields(doc, 'therapy', { modality: 'CBT' });
    expect(updates).toBe(0);
    expect(readSectionFields(doc, 'therapy')).toEqual({
      modality: 'CBT',
      frequency: '',
      therapist: '',
      sessionLength: null,
    });
  });

  it('merges goals added at the same time by two people', () => {
    const [a, b] = connectedPair();
    ensurePlanStructure(a, 'care');
    // Offline at once: neither sees the other's goal until they exchange state.
    const offlineA = new Y.Doc();
    const offlineB = new Y.Doc();
    Y.applyUpdate(offlineA, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(offlineB, Y.encodeStateAsUpdate(b));
    addEntry(offlineA, 'goals', { title: 'From the prescriber' });
    addEntry(offlineB, 'goals', { title: 'From the therapist' });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(offlineA));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(offlineB));
    expect(
      readList(b, 'goals')
        .map((g) => g.title)
        .sort(),
    ).toEqual(['From the prescriber', 'From the therapist']);
    expect(readList(a, 'goals')).toEqual(readList(b, 'goals'));
  });

  it('creates a nested list on first write when the structure is missing', () => {
    const doc = new Y.Doc();
    expect(readList(doc, 'homework')).toEqual([]);
    addEntry(doc, 'homework', { task: 'Thought record' });
    expect(readList(doc, 'homework')).toEqual([
      { id: expect.any(String), task: 'Thought record', due: '', done: false },
    ]);
  });
});

describe('moving list entries while others edit', () => {
  /** Two replicas that change apart (offline, or in the same instant) and then exchange everything. */
  function apart(seed: (doc: Y.Doc) => void): { a: Y.Doc; b: Y.Doc; merge(): void } {
    const a = new Y.Doc();
    seed(a);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    return {
      a,
      b,
      merge() {
        const fromA = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
        const fromB = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
        Y.applyUpdate(b, fromA);
        Y.applyUpdate(a, fromB);
      },
    };
  }
  const titles = (doc: Y.Doc) => readList(doc, 'goals').map((g) => g.title);
  const goal = (doc: Y.Doc, title: string) =>
    readList(doc, 'goals').find((g) => g.title === title)!;
  const threeGoals = (doc: Y.Doc) => {
    for (const title of ['Sleep', 'Work', 'Walk']) addEntry(doc, 'goals', { title });
  };

  it('keeps one copy of a goal that two people move at the same time', () => {
    const { a, b, merge } = apart(threeGoals);
    moveEntry(a, 'goals', goal(a, 'Walk').id, 0);
    moveEntry(b, 'goals', goal(b, 'Walk').id, 1);
    merge();
    expect(titles(a)).toHaveLength(3);
    expect(new Set(titles(a))).toEqual(new Set(['Sleep', 'Work', 'Walk']));
    expect(titles(a)).toEqual(titles(b));
    expect(listArray(a, 'goals')!.length).toBe(3);
  });

  it('keeps an edit made to a goal while someone else moves it', () => {
    const { a, b, merge } = apart(threeGoals);
    moveEntry(a, 'goals', goal(a, 'Walk').id, 0);
    updateEntry(b, 'goals', goal(b, 'Walk').id, {
      target: '30 minutes a day',
      status: 'in-progress',
    });
    merge();
    for (const doc of [a, b]) {
      expect(titles(doc)).toEqual(['Walk', 'Sleep', 'Work']);
      expect(goal(doc, 'Walk')).toMatchObject({
        target: '30 minutes a day',
        status: 'in-progress',
      });
    }
  });

  it('orders goals moved to the same place at once the same way for everyone', () => {
    const { a, b, merge } = apart(threeGoals);
    moveEntry(a, 'goals', goal(a, 'Work').id, 0);
    moveEntry(b, 'goals', goal(b, 'Walk').id, 0);
    addEntry(b, 'goals', { title: 'Read' }, 1);
    merge();
    expect(new Set(titles(a))).toEqual(new Set(['Sleep', 'Work', 'Walk', 'Read']));
    expect(titles(a)).toEqual(titles(b));
    expect(titles(a).at(-1)).toBe('Sleep');
  });

  it('keeps the order through many moves into the same gap', () => {
    const doc = new Y.Doc();
    threeGoals(doc);
    const expected = titles(doc);
    for (let i = 0; i < 200; i++) {
      const id = readList(doc, 'goals').at(-1)!.id;
      moveEntry(doc, 'goals', id, 1);
      expected.splice(1, 0, expected.pop()!);
      expect(titles(doc)).toEqual(expected);
    }
  });

  it('keeps the words of two people typing in the same goal title at once', () => {
    const { a, b, merge } = apart((doc) => addEntry(doc, 'goals', { title: 'Sleep' }));
    const id = readList(a, 'goals')[0]!.id;
    // Each browser writes the whole value of its field, as an input does.
    updateEntry(a, 'goals', id, { title: 'Sleep 7 hours' });
    updateEntry(b, 'goals', id, { title: 'Better Sleep' });
    updateEntry(b, 'goals', id, { title: 'Better Sleep', target: 'PHQ-9 below 10' });
    merge();
    for (const doc of [a, b])
      expect(readList(doc, 'goals')[0]).toMatchObject({
        title: 'Better Sleep 7 hours',
        target: 'PHQ-9 below 10',
      });
    // Choices stay single values: the last change wins, nothing is merged into them.
    updateEntry(a, 'goals', id, { status: 'achieved' });
    merge();
    expect(readList(b, 'goals')[0]!.status).toBe('achieved');
    expect(listArray(b, 'goals')!.get(0).get('status')).toBe('achieved');
  });

  it('keeps the words of two people typing in the same note of a section', () => {
    const { a, b, merge } = apart((doc) => {
      ensurePlanStructure(doc, 'care');
      writeSectionFields(doc, 'overview', { phasingNote: 'Start sertraline', phasing: 'together' });
    });
    writeSectionFields(a, 'overview', { phasingNote: 'Start sertraline at 50 mg' });
    writeSectionFields(b, 'overview', {
      phasingNote: 'Start sertraline; CBT weekly',
      phasing: 'therapy-first',
    });
    merge();
    // Both typed at the same spot: both words stay, in an order every replica agrees on.
    const note = readSectionFields(a, 'overview').phasingNote;
    expect([
      'Start sertraline at 50 mg; CBT weekly',
      'Start sertraline; CBT weekly at 50 mg',
    ]).toContain(note);
    expect(readSectionFields(b, 'overview')).toEqual({
      phasingNote: note,
      phasing: 'therapy-first',
    });
  });

  it('keeps changes two people make to different titration steps at once', () => {
    let id = '';
    const { a, b, merge } = apart((doc) => {
      id = addEntry(doc, 'medications', {
        name: 'Sertraline',
        dose: 50,
        titration: [
          { id: 's1', afterWeeks: 2, dose: 100, note: '' },
          { id: 's2', afterWeeks: 6, dose: 150, note: '' },
        ],
      });
    });
    const steps = (doc: Y.Doc) => readList(doc, 'medications')[0]!.titration;
    // Each browser writes the whole list with its one change, as the form does.
    updateEntry(a, 'medications', id, {
      titration: steps(a).map((s) => (s.id === 's1' ? { ...s, dose: 75 } : s)),
    });
    updateEntry(b, 'medications', id, {
      titration: [
        ...steps(b).map((s) => (s.id === 's2' ? { ...s, note: 'If tolerated' } : s)),
        { id: 's3', afterWeeks: 10, dose: 200, note: '' },
      ],
    });
    merge();
    for (const doc of [a, b])
      expect(steps(doc)).toEqual([
        { id: 's1', afterWeeks: 2, dose: 75, note: '' },
        { id: 's2', afterWeeks: 6, dose: 150, note: 'If tolerated' },
        { id: 's3', afterWeeks: 10, dose: 200, note: '' },
      ]);
    // A step removed while another is changed: both happen.
    updateEntry(a, 'medications', id, { titration: steps(a).filter((s) => s.id !== 's3') });
    updateEntry(b, 'medications', id, {
      titration: steps(b).map((s) => (s.id === 's1' ? { ...s, afterWeeks: 3 } : s)),
    });
    merge();
    expect(steps(a).map((s) => [s.id, s.afterWeeks])).toEqual([
      ['s1', 3],
      ['s2', 6],
    ]);
    expect(steps(b)).toEqual(steps(a));
  });

  it('turns a title stored as plain text into shared text at its first change', () => {
    const doc = new Y.Doc();
    const map = new Y.Map<unknown>();
    map.set('id', 'g1');
    map.set('title', 'Sleep');
    doc.getArray<Y.Map<unknown>>('goals').push([map]);
    expect(readList(doc, 'goals')[0]!.title).toBe('Sleep');
    updateEntry(doc, 'goals', 'g1', { title: 'Sleep well' });
    expect(map.get('title')).toBeInstanceOf(Y.Text);
    expect(readList(doc, 'goals')[0]!.title).toBe('Sleep well');
  });

  it('reads lists written without positions in array order, each goal once', () => {
    const doc = new Y.Doc();
    const array = doc.getArray<Y.Map<unknown>>('goals');
    // An entry copied by an earlier move that raced with another: the same id twice.
    for (const [id, title] of [
      ['g1', 'Sleep'],
      ['g2', 'Work'],
      ['g1', 'Sleep'],
      ['g3', 'Walk'],
    ]) {
      const map = new Y.Map<unknown>();
      map.set('id', id);
      map.set('title', title);
      array.push([map]);
    }
    expect(readList(doc, 'goals').map((g) => g.id)).toEqual(['g1', 'g2', 'g3']);
    moveEntry(doc, 'goals', 'g3', 0);
    expect(readList(doc, 'goals').map((g) => g.id)).toEqual(['g3', 'g1', 'g2']);
  });

  it('changes the copy of a doubled goal that people see, and removes every copy', () => {
    const doc = new Y.Doc();
    const array = doc.getArray<Y.Map<unknown>>('goals');
    // The first copy in the array is shown last, after its twin.
    for (const [id, title, position] of [
      ['g1', 'Sleep', 5],
      ['g2', 'Work', 1],
      ['g1', 'Sleep', 0],
    ] as const) {
      const map = new Y.Map<unknown>();
      map.set('id', id);
      map.set('title', title);
      map.set('position', position);
      array.push([map]);
    }
    updateEntry(doc, 'goals', 'g1', { title: 'Sleep through' });
    expect(readList(doc, 'goals').map((g) => g.title)).toEqual(['Sleep through', 'Work']);
    expect(removeEntry(doc, 'goals', 'g1')).toBe(true);
    expect(readList(doc, 'goals').map((g) => g.id)).toEqual(['g2']);
    expect(array.length).toBe(1);
  });
});
