import { PHASING_PLAIN } from '../plan/plain.ts';
import { PHASING_LABELS, type PhasingApproach } from '../plan/vocabulary.ts';
import type { PlanChange } from './diff.ts';
import { byId, listOf, normalText, sameText } from './compare.ts';
import type { OverviewSnapshot as Overview } from './snapshot.ts';

type Diagnosis = NonNullable<Overview['diagnoses']>[number];

/** The evaluation's free-text fields, with the words the plan's Overview labels them by. */
const EVALUATION_FIELDS: Record<string, string> = {
  symptoms: 'symptoms',
  history: 'history',
  lifestyle: 'lifestyle',
  patientGoals: 'what the patient wants',
};

const DIAGNOSIS_STATUS_PLAIN: Record<string, string> = {
  provisional: 'provisional: not yet certain',
  confirmed: 'confirmed',
  'in-remission': 'in remission',
  resolved: 'resolved',
};

/**
 * Changes to the evaluation summary, the diagnoses and the phasing of
 * medication and therapy. `before` is missing when nothing was reviewed yet.
 */
export function diffOverview(before: Overview | undefined, after: Overview = {}): PlanChange[] {
  return [
    ...diffEvaluation(before ?? {}, after),
    ...diffDiagnoses(listOf<Diagnosis>(before?.diagnoses), listOf<Diagnosis>(after.diagnoses)),
    ...diffPhasing(before, after),
  ];
}

function diffEvaluation(before: Overview, after: Overview): PlanChange[] {
  const changed = Object.keys(EVALUATION_FIELDS).filter((f) => !sameText(before[f], after[f]));
  if (changed.length === 0) return [];
  return [
    {
      section: 'evaluation',
      kind: 'section.changed',
      text: `Evaluation summary updated: ${changed.map((f) => EVALUATION_FIELDS[f]).join(', ')}`,
      plain: 'The summary of your evaluation was updated.',
    },
  ];
}

/** "Panic disorder F41.0, confirmed": a diagnosis as a clinician lists it. */
function diagnosisLine(d: Diagnosis): string {
  const name = [normalText(d.condition), normalText(d.code)].filter(Boolean).join(' ');
  const status = normalText(d.status);
  return status ? `${name}, ${status.replace(/-/g, ' ')}` : name;
}

function statusPlain(d: Diagnosis): string {
  const status = normalText(d.status);
  return DIAGNOSIS_STATUS_PLAIN[status] ?? status.replace(/-/g, ' ');
}

function conditionPlain(d: Diagnosis): string {
  return normalText(d.condition) || normalText(d.code);
}

function diffDiagnoses(before: Diagnosis[], after: Diagnosis[]): PlanChange[] {
  const changes: PlanChange[] = [];
  const section = 'diagnoses';
  const old = byId(before);
  const current = byId(after);
  for (const [key, d] of current) {
    const prev = old.get(key);
    if (!prev) {
      if (!conditionPlain(d)) continue;
      const status = statusPlain(d);
      changes.push({
        section,
        kind: 'diagnosis.added',
        text: `Diagnosis added: ${diagnosisLine(d)}`,
        plain: `New diagnosis: ${conditionPlain(d)}${status ? ` (${status})` : ''}.`,
      });
      continue;
    }
    const conditionChanged = !sameText(prev.condition, d.condition);
    const codeChanged = !sameText(prev.code, d.code);
    const statusChanged = !sameText(prev.status, d.status);
    if (conditionChanged || codeChanged || statusChanged) {
      const plain = conditionChanged
        ? `A diagnosis was changed from ${conditionPlain(prev)} to ${conditionPlain(d)} (${statusPlain(d)}).`
        : statusChanged
          ? `Your diagnosis of ${conditionPlain(d)} is now ${statusPlain(d)}.`
          : `The code of your diagnosis of ${conditionPlain(d)} was updated.`;
      changes.push({
        section,
        kind: 'diagnosis.changed',
        text: `Diagnosis ${diagnosisLine(prev)} → ${diagnosisLine(d)}`,
        plain,
      });
    }
    if (!sameText(prev.note, d.note)) {
      changes.push({
        section,
        kind: 'diagnosis.changed',
        text: `Diagnosis ${diagnosisLine(d)}: note updated`,
        plain: `Notes on your diagnosis of ${conditionPlain(d)} were updated.`,
      });
    }
  }
  for (const [key, prev] of old) {
    if (current.has(key) || !conditionPlain(prev)) continue;
    changes.push({
      section,
      kind: 'diagnosis.removed',
      text: `Diagnosis removed: ${diagnosisLine(prev)}`,
      plain: `${conditionPlain(prev)} was taken off your list of diagnoses.`,
    });
  }
  return changes;
}

function phasingLabel(approach: string): string {
  return PHASING_LABELS[approach as PhasingApproach] ?? approach;
}

/** A plan's phasing reads "together" until someone chooses otherwise (SECTION_FIELDS). */
function diffPhasing(before: Overview | undefined, after: Overview): PlanChange[] {
  const changes: PlanChange[] = [];
  const section = 'phasing';
  const was = normalText(before?.phasing) || 'together';
  const is = normalText(after.phasing) || 'together';
  if (was !== is) {
    changes.push({
      section,
      kind: 'section.changed',
      text: before
        ? `Phasing: ${phasingLabel(was)} → ${phasingLabel(is)}`
        : `Phasing: ${phasingLabel(is)}`,
      plain: `The order of your treatment changed. ${PHASING_PLAIN[is as PhasingApproach] ?? phasingLabel(is)}`,
    });
  }
  if (!sameText(before?.phasingNote, after.phasingNote)) {
    changes.push({
      section,
      kind: 'section.changed',
      text: 'Phasing note updated',
      plain: 'How your medication and therapy fit together was updated.',
    });
  }
  return changes;
}
