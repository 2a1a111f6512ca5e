import { sameContent, sameText } from './compare.ts';
import { diffMedications } from './diff-medications.ts';
import { diffOverview } from './diff-overview.ts';
import { diffTherapy } from './diff-therapy.ts';
import type { GoalSnapshot, PlanSnapshot } from './snapshot.ts';

export { diffMedications, diffOverview, diffTherapy };

export type ChangeKind =
  | 'medication.started'
  | 'medication.added'
  | 'medication.stopped'
  | 'medication.removed'
  | 'medication.status'
  | 'medication.dose'
  | 'medication.frequency'
  | 'medication.route'
  | 'medication.changed'
  | 'diagnosis.added'
  | 'diagnosis.removed'
  | 'diagnosis.changed'
  | 'goal.added'
  | 'goal.removed'
  | 'goal.retitled'
  | 'goal.status'
  | 'goal.changed'
  | 'therapy.added'
  | 'therapy.removed'
  | 'therapy.modality'
  | 'therapy.frequency'
  | 'therapy.length'
  | 'therapy.changed'
  | 'homework.added'
  | 'homework.removed'
  | 'homework.changed'
  | 'safety.added'
  | 'safety.removed'
  | 'section.changed';

/** One change between two plan versions, in clinical words and in plain words for the patient. */
export type PlanChange = {
  section: string;
  kind: ChangeKind;
  /** For clinicians: "sertraline 50 mg → 100 mg once daily". */
  text: string;
  /** For the patient: "Your sertraline dose went up from 50 mg to 100 mg, once a day." */
  plain: string;
};

/**
 * Changes from `before` to `after`: medications first, then the evaluation,
 * diagnoses and phasing, goals, therapy, safety, and the sections compared whole.
 */
export function diffPlans(before: PlanSnapshot, after: PlanSnapshot): PlanChange[] {
  return [
    ...diffMedications(before.medications ?? [], after.medications ?? []),
    ...diffOverview(before.overview, after.overview),
    ...diffGoals(before.goals ?? [], after.goals ?? []),
    ...diffTherapy(before.therapy, after.therapy),
    ...diffSafety(before.safety ?? {}, after.safety ?? {}),
    ...diffOther(before, after),
  ];
}

export function diffGoals(before: GoalSnapshot[], after: GoalSnapshot[]): PlanChange[] {
  const changes: PlanChange[] = [];
  const old = new Map(before.map((g) => [g.id, g]));
  const section = 'goals';
  for (const g of after) {
    const prev = old.get(g.id);
    if (!prev) {
      changes.push({
        section,
        kind: 'goal.added',
        text: `Goal added: “${g.title}”`,
        plain: `New goal: “${g.title}”.`,
      });
      continue;
    }
    if (!sameText(prev.title, g.title)) {
      changes.push({
        section,
        kind: 'goal.retitled',
        text: `Goal renamed: “${prev.title}” → “${g.title}”`,
        plain: `A goal was reworded: it now reads “${g.title}”.`,
      });
    }
    if (!sameText(prev.status, g.status)) {
      changes.push({
        section,
        kind: 'goal.status',
        text: `Goal “${g.title}”: ${statusWord(prev.status)} → ${statusWord(g.status)}`,
        plain: `Your goal “${g.title}” is now ${statusWord(g.status)}.`,
      });
    }
    const detail = (['target', 'dueDate', 'patientWords'] as const).filter(
      (k) => !sameText(prev[k], g[k]),
    );
    if (detail.length > 0) {
      changes.push({
        section,
        kind: 'goal.changed',
        text: `Goal “${g.title}”: ${detail.map(fieldWord).join(', ')} updated`,
        plain: `Details of your goal “${g.title}” were updated.`,
      });
    }
  }
  const current = new Set(after.map((g) => g.id));
  for (const prev of before) {
    if (current.has(prev.id)) continue;
    changes.push({
      section,
      kind: 'goal.removed',
      text: `Goal removed: “${prev.title}”`,
      plain: `The goal “${prev.title}” was taken off your plan.`,
    });
  }
  return changes;
}

function statusWord(status: string | undefined): string {
  return (status ?? 'not set').replace(/[_-]/g, ' ');
}

function fieldWord(k: 'target' | 'dueDate' | 'patientWords'): string {
  return { target: 'target', dueDate: 'due date', patientWords: 'patient’s own words' }[k];
}

const SAFETY_LABELS: Record<string, string> = {
  warningSigns: 'warning sign',
  copingStrategies: 'coping strategy',
  peopleAndPlaces: 'person or place for distraction',
  supportContacts: 'person to ask for help',
  professionals: 'professional or crisis line',
  environment: 'step to make the environment safe',
};

function itemText(item: unknown): string {
  if (typeof item === 'string') return item.normalize('NFC').trim();
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const t = o.text ?? o.name ?? o.title ?? o.label;
    if (typeof t === 'string') {
      const text = t.normalize('NFC').trim();
      return o.phone ? `${text} (${String(o.phone)})` : text;
    }
  }
  return JSON.stringify(item);
}

export function diffSafety(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    const label = SAFETY_LABELS[key] ?? key;
    if (Array.isArray(a) || Array.isArray(b)) {
      const oldItems = new Set((Array.isArray(a) ? a : []).map(itemText));
      const newItems = new Set((Array.isArray(b) ? b : []).map(itemText));
      for (const t of newItems)
        if (!oldItems.has(t))
          changes.push({
            section: 'safety',
            kind: 'safety.added',
            text: `Safety plan: added ${label} “${t}”`,
            plain: `Your safety plan has a new ${label}: “${t}”.`,
          });
      for (const t of oldItems)
        if (!newItems.has(t))
          changes.push({
            section: 'safety',
            kind: 'safety.removed',
            text: `Safety plan: removed ${label} “${t}”`,
            plain: `“${t}” was taken off your safety plan.`,
          });
    } else if (!sameContent(a, b)) {
      changes.push({
        section: 'safety',
        kind: 'section.changed',
        text: `Safety plan: ${label} updated`,
        plain: 'Your safety plan was updated.',
      });
    }
  }
  return changes;
}

/** Sections compared as a whole: the clinician's name for each, and the patient's sentence. */
const OTHER_SECTIONS: Record<string, { label: string; plain: string }> = {
  monitoring: { label: 'Monitoring', plain: 'Your check-ups and tests were updated.' },
  education: { label: 'Education notes', plain: 'Education notes were updated.' },
};

function diffOther(before: PlanSnapshot, after: PlanSnapshot): PlanChange[] {
  return Object.entries(OTHER_SECTIONS)
    .filter(([k]) => !sameContent(before[k], after[k]))
    .map(([k, { label, plain }]) => ({
      section: k,
      kind: 'section.changed' as const,
      text: `${label} updated`,
      plain,
    }));
}
