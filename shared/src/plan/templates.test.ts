import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffPlans } from '../versions/diff.ts';
import { readList, readSectionFields, richField, updateEntry } from './document.ts';
import { fillPlanDocs } from './content.ts';
import { richTextToPlain } from './richtext.ts';
import { snapshotPlan } from './snapshot.ts';
import { addWeeks, applyTemplate, PLAN_TEMPLATE_IDS, PLAN_TEMPLATES } from './templates.ts';

const newDocs = () => ({ care: new Y.Doc(), medications: new Y.Doc(), private: new Y.Doc() });

describe('plan templates', () => {
  it.each(PLAN_TEMPLATE_IDS)('%s fills a plan whose stored state reloads identically', (id) => {
    const docs = newDocs();
    applyTemplate(id, docs, {
      start: '2025-03-03',
      prescriber: 'Dr. Okafor',
      therapist: 'Sam Rivera',
    });
    const reload = (doc: Y.Doc) => {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
      return copy;
    };
    const reloaded = { care: reload(docs.care), medications: reload(docs.medications) };
    expect(snapshotPlan(reloaded)).toEqual(snapshotPlan(docs));
    // Every template starts the safety plan with crisis lines.
    expect(readList(docs.care, 'professionals').map((p) => p.phone)).toContain('988');
  });

  it.each(PLAN_TEMPLATE_IDS.filter((t) => t !== 'blank'))(
    '%s has goals, medications and a therapy plan filled in',
    (id) => {
      const docs = newDocs();
      applyTemplate(id, docs, { start: '2025-03-03', prescriber: 'Dr. Okafor', therapist: 'Sam' });
      const goals = readList(docs.care, 'goals');
      expect(goals.length).toBeGreaterThan(0);
      for (const g of goals) {
        expect(g.id).toMatch(/\w{6,}/);
        expect(g.target).not.toBe('');
        expect(g.dueDate > '2025-03-03').toBe(true);
      }
      const meds = readList(docs.medications, 'medications');
      expect(meds.length).toBeGreaterThan(0);
      for (const m of meds) {
        expect(typeof m.dose).toBe('number');
        expect(m.prescriber).toBe('Dr. Okafor');
        expect(m.startDate).toBe('2025-03-03');
        expect(m.titration.length).toBeGreaterThan(0);
      }
      const therapy = readSectionFields(docs.care, 'therapy');
      expect(therapy.modality).not.toBe('');
      expect(therapy.therapist).toBe('Sam');
      expect(richTextToPlain(richField(docs.care, 'therapy', 'focus'))).not.toBe('');
      expect(readList(docs.care, 'diagnoses').length).toBeGreaterThan(0);
      // Nothing lands in the clinician-only document unless asked.
      expect(docs.private.getXmlFragment('privateNotes').length).toBe(0);
    },
  );

  it('writes private notes only to the private document', () => {
    const docs = newDocs();
    fillPlanDocs(docs, {
      goals: [{ title: 'Shared goal' }],
      privateNotes: [{ type: 'paragraph', text: 'Clinician-only observation' }],
    });
    const careBytes = Buffer.from(Y.encodeStateAsUpdate(docs.care)).toString('latin1');
    expect(careBytes).not.toContain('Clinician-only');
    expect(richTextToPlain(docs.private.getXmlFragment('privateNotes'))).toBe(
      'Clinician-only observation',
    );
    expect(docs.care.share.has('privateNotes')).toBe(false);
  });

  it('counts dates in whole weeks without shifting the day', () => {
    expect(addWeeks('2025-03-03', 12)).toBe('2025-05-26');
    expect(addWeeks('2024-12-30', 1)).toBe('2025-01-06');
    expect(addWeeks('not a date', 1)).toBe('');
  });

  it('lists a label and description for each template', () => {
    for (const id of PLAN_TEMPLATE_IDS) {
      expect(PLAN_TEMPLATES[id].id).toBe(id);
      expect(PLAN_TEMPLATES[id].label).not.toBe('');
    }
  });
});

describe('plan snapshots', () => {
  it('feed readable version diffs', () => {
    const docs = newDocs();
    applyTemplate('depression-anxiety', docs, { start: '2025-03-03' });
    const before = snapshotPlan(docs);
    const [sertraline] = readList(docs.medications, 'medications');
    updateEntry(docs.medications, 'medications', sertraline!.id, { dose: 100 });
    const changes = diffPlans(before, snapshotPlan(docs));
    expect(changes.map((c) => c.text)).toContain('Sertraline 50 mg → 100 mg once daily');
  });

  it('never contain private notes', () => {
    const docs = newDocs();
    fillPlanDocs(docs, { privateNotes: [{ type: 'paragraph', text: 'secret' }] });
    expect(JSON.stringify(snapshotPlan(docs))).not.toContain('secret');
  });
});
