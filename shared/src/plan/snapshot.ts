import type * as Y from 'yjs';
import type { PlanSnapshot } from '../versions/snapshot.ts';
import {
  readList,
  readSectionFields,
  richField,
  RICH_FIELDS,
  type MapSection,
} from './document.ts';
import type { PlanDocs } from './content.ts';
import { richTextToPlain } from './richtext.ts';
import { SAFETY_LISTS } from './vocabulary.ts';

function richTexts<S extends MapSection>(doc: Y.Doc, section: S): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of RICH_FIELDS[section] as readonly string[]) {
    out[field] = richTextToPlain(richField(doc, section, field as never));
  }
  return out;
}

/**
 * A plan's shared content as plain JSON, for signed versions, diffs and
 * exports. Never includes privateNotes: what it returns may reach the patient.
 */
export function snapshotPlan(docs: Pick<PlanDocs, 'care' | 'medications'>): PlanSnapshot {
  const snapshot: PlanSnapshot = {};
  const { care, medications } = docs;
  if (medications) snapshot.medications = readList(medications, 'medications');
  if (care) {
    snapshot.goals = readList(care, 'goals');
    snapshot.overview = {
      ...readSectionFields(care, 'overview'),
      ...richTexts(care, 'overview'),
      diagnoses: readList(care, 'diagnoses'),
    };
    snapshot.therapy = {
      ...readSectionFields(care, 'therapy'),
      ...richTexts(care, 'therapy'),
      homework: readList(care, 'homework'),
    };
    snapshot.monitoring = {
      labs: readList(care, 'labs'),
      sideEffectChecks: readList(care, 'sideEffectChecks'),
      ...richTexts(care, 'monitoring'),
    };
    snapshot.safety = Object.fromEntries(SAFETY_LISTS.map((l) => [l, readList(care, l)]));
    snapshot.education = {
      ...richTexts(care, 'education'),
      topics: readList(care, 'educationTopics'),
    };
  }
  return snapshot;
}
