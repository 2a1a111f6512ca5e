import type * as Y from 'yjs';
import type { PlanDocKind } from '../permissions.ts';
import {
  addEntry,
  ensurePlanStructure,
  privateNotes,
  richField,
  writeSectionFields,
  type PlanListName,
  type SectionFields,
} from './document.ts';
import type {
  DiagnosisEntry,
  EducationTopicEntry,
  EntryFields,
  GoalEntry,
  HomeworkEntry,
  MedicationEntry,
  MonitoringEntry,
  SafetyEntry,
} from './entries.ts';
import { writeRichText, type RichBlock } from './richtext.ts';
import type { SafetyList } from './vocabulary.ts';

/** A plan's content as plain data: what templates produce and `fillPlanDocs` writes. */
export type PlanContent = {
  overview?: Partial<SectionFields<'overview'>> & {
    symptoms?: RichBlock[];
    history?: RichBlock[];
    lifestyle?: RichBlock[];
    patientGoals?: RichBlock[];
    diagnoses?: EntryFields<DiagnosisEntry>[];
  };
  goals?: EntryFields<GoalEntry>[];
  medications?: EntryFields<MedicationEntry>[];
  therapy?: Partial<SectionFields<'therapy'>> & {
    focus?: RichBlock[];
    homework?: EntryFields<HomeworkEntry>[];
  };
  monitoring?: {
    labs?: EntryFields<MonitoringEntry>[];
    sideEffectChecks?: EntryFields<MonitoringEntry>[];
    notes?: RichBlock[];
  };
  safety?: Partial<Record<SafetyList, EntryFields<SafetyEntry>[]>>;
  education?: { notes?: RichBlock[]; topics?: EntryFields<EducationTopicEntry>[] };
  /** Clinician-only; written to the private document, never to the care document. */
  privateNotes?: RichBlock[];
};

export type PlanDocs = Partial<Record<PlanDocKind, Y.Doc>>;

function addAll(doc: Y.Doc, name: PlanListName, entries: readonly object[] | undefined): void {
  for (const e of entries ?? []) addEntry(doc, name, e as never);
}

/**
 * Writes content into a new plan's documents (each document in one
 * transaction, so it becomes one stored update) and creates their structure.
 * Documents not given are skipped.
 */
export function fillPlanDocs(docs: PlanDocs, content: PlanContent): void {
  const { care, medications, private: priv } = docs;
  if (care) {
    care.transact(() => {
      ensurePlanStructure(care, 'care');
      const { symptoms, history, lifestyle, patientGoals, diagnoses, ...overview } =
        content.overview ?? {};
      writeSectionFields(care, 'overview', overview);
      const rich = { symptoms, history, lifestyle, patientGoals };
      for (const [field, blocks] of Object.entries(rich)) {
        if (blocks) writeRichText(richField(care, 'overview', field as 'symptoms')!, blocks);
      }
      addAll(care, 'diagnoses', diagnoses);
      addAll(care, 'goals', content.goals);

      const { focus, homework, ...therapy } = content.therapy ?? {};
      writeSectionFields(care, 'therapy', therapy);
      if (focus) writeRichText(richField(care, 'therapy', 'focus')!, focus);
      addAll(care, 'homework', homework);

      addAll(care, 'labs', content.monitoring?.labs);
      addAll(care, 'sideEffectChecks', content.monitoring?.sideEffectChecks);
      if (content.monitoring?.notes) {
        writeRichText(richField(care, 'monitoring', 'notes')!, content.monitoring.notes);
      }
      for (const [list, entries] of Object.entries(content.safety ?? {})) {
        addAll(care, list as SafetyList, entries);
      }
      if (content.education?.notes) {
        writeRichText(richField(care, 'education', 'notes')!, content.education.notes);
      }
      addAll(care, 'educationTopics', content.education?.topics);
    });
  }
  if (medications) {
    medications.transact(() => {
      ensurePlanStructure(medications, 'medications');
      addAll(medications, 'medications', content.medications);
    });
  }
  if (priv) {
    priv.transact(() => {
      ensurePlanStructure(priv, 'private');
      if (content.privateNotes) writeRichText(privateNotes(priv), content.privateNotes);
    });
  }
}
