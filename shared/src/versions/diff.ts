import type {
  GoalSnapshot,
  MedicationSnapshot,
  PlanSnapshot,
  TherapySnapshot,
} from './snapshot.ts';
import { capitalize, doseText, medicationLine, plainFrequency } from './wording.ts';

export type ChangeKind =
  | 'medication.started'
  | 'medication.stopped'
  | 'medication.dose'
  | 'medication.frequency'
  | 'medication.changed'
  | 'goal.added'
  | 'goal.removed'
  | 'goal.retitled'
  | 'goal.status'
  | 'goal.changed'
  | 'therapy.added'
  | 'therapy.removed'
  | 'therapy.modality'
  | 'therapy.frequency'
  | 'therapy.changed'
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

const STOPPED = new Set(['stopped', 'discontinued', 'inactive', 'completed']);

/** Changes from `before` to `after`, medications first, then goals, therapy and safety. */
export function diffPlans(before: PlanSnapshot, after: PlanSnapshot): PlanChange[] {
  return [
    ...diffMedications(before.medications ?? [], after.medications ?? []),
    ...diffGoals(before.goals ?? [], after.goals ?? []),
    ...diffTherapy(before.therapy, after.therapy),
    ...diffSafety(before.safety ?? {}, after.safety ?? {}),
    ...diffOther(before, after),
  ];
}

function byId<T extends { id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((i) => [i.id, i]));
}

export function diffMedications(
  before: MedicationSnapshot[],
  after: MedicationSnapshot[],
): PlanChange[] {
  const changes: PlanChange[] = [];
  const old = byId(before);
  const section = 'medications';
  for (const m of after) {
    const prev = old.get(m.id);
    const name = m.name.trim();
    const isStopped = STOPPED.has(m.status ?? '');
    if (!prev) {
      if (isStopped) continue;
      changes.push({
        section,
        kind: 'medication.started',
        text: `Started ${medicationLine(m)}`,
        plain: `New medicine: ${name}${doseText(m) ? `, ${doseText(m)}` : ''}${m.frequency ? `, ${plainFrequency(m.frequency)}` : ''}.`,
      });
      continue;
    }
    const wasStopped = STOPPED.has(prev.status ?? '');
    if (isStopped && !wasStopped) {
      changes.push({
        section,
        kind: 'medication.stopped',
        text: `Stopped ${medicationLine(prev)}`,
        plain: `${capitalize(name)} was stopped.`,
      });
      continue;
    }
    if (!isStopped && wasStopped) {
      changes.push({
        section,
        kind: 'medication.started',
        text: `Restarted ${medicationLine(m)}`,
        plain: `${capitalize(name)} was started again${doseText(m) ? `: ${doseText(m)}` : ''}${m.frequency ? `, ${plainFrequency(m.frequency)}` : ''}.`,
      });
      continue;
    }
    const doseChanged = doseText(prev) !== doseText(m);
    const freqChanged = (prev.frequency ?? '').trim() !== (m.frequency ?? '').trim();
    if (doseChanged) {
      const up = (m.dose ?? 0) > (prev.dose ?? 0) && prev.unit === m.unit;
      const down = (m.dose ?? 0) < (prev.dose ?? 0) && prev.unit === m.unit;
      const freq = freqChanged
        ? `, ${prev.frequency ?? ''} → ${m.frequency ?? ''}`.replace(/ +/g, ' ')
        : m.frequency
          ? ` ${m.frequency.trim()}`
          : '';
      changes.push({
        section,
        kind: 'medication.dose',
        text: `${name} ${doseText(prev)} → ${doseText(m)}${freq}`,
        plain: `Your ${name} dose ${up ? 'went up' : down ? 'went down' : 'changed'} from ${doseText(prev)} to ${doseText(m)}${m.frequency ? `, ${plainFrequency(m.frequency)}` : ''}.`,
      });
    } else if (freqChanged) {
      changes.push({
        section,
        kind: 'medication.frequency',
        text: `${name} ${doseText(m)} ${prev.frequency ?? '—'} → ${m.frequency ?? '—'}`.replace(
          / +/g,
          ' ',
        ),
        plain: `You now take ${name} ${plainFrequency(m.frequency) || 'on a new schedule'} (before: ${plainFrequency(prev.frequency) || 'another schedule'}).`,
      });
    } else if (prev.name.trim() !== name || (prev.route ?? '') !== (m.route ?? '')) {
      changes.push({
        section,
        kind: 'medication.changed',
        text: `${medicationLine(prev)} → ${medicationLine(m)}`,
        plain: `The details of ${name} were updated.`,
      });
    }
  }
  const current = new Set(after.map((m) => m.id));
  for (const prev of before) {
    if (current.has(prev.id) || STOPPED.has(prev.status ?? '')) continue;
    changes.push({
      section,
      kind: 'medication.stopped',
      text: `Stopped ${medicationLine(prev)}`,
      plain: `${capitalize(prev.name.trim())} was stopped.`,
    });
  }
  return changes;
}

export function diffGoals(before: GoalSnapshot[], after: GoalSnapshot[]): PlanChange[] {
  const changes: PlanChange[] = [];
  const old = byId(before);
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
    if (prev.title.trim() !== g.title.trim()) {
      changes.push({
        section,
        kind: 'goal.retitled',
        text: `Goal renamed: “${prev.title}” → “${g.title}”`,
        plain: `A goal was reworded: it now reads “${g.title}”.`,
      });
    }
    if ((prev.status ?? '') !== (g.status ?? '')) {
      changes.push({
        section,
        kind: 'goal.status',
        text: `Goal “${g.title}”: ${statusWord(prev.status)} → ${statusWord(g.status)}`,
        plain: `Your goal “${g.title}” is now ${statusWord(g.status)}.`,
      });
    }
    const detail = (['target', 'dueDate', 'patientWords'] as const).filter(
      (k) => (prev[k] ?? '') !== (g[k] ?? ''),
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

function therapyList(t: TherapySnapshot | TherapySnapshot[] | undefined): TherapySnapshot[] {
  if (!t) return [];
  return Array.isArray(t) ? t : [t];
}

export function diffTherapy(
  before: TherapySnapshot | TherapySnapshot[] | undefined,
  after: TherapySnapshot | TherapySnapshot[] | undefined,
): PlanChange[] {
  const a = therapyList(before);
  const b = therapyList(after);
  const changes: PlanChange[] = [];
  const section = 'therapy';
  const keyed = (list: TherapySnapshot[]) =>
    new Map(list.map((t, i) => [String((t as { id?: unknown }).id ?? i), t]));
  const old = keyed(a);
  for (const [key, t] of keyed(b)) {
    const prev = old.get(key);
    if (!prev) {
      if (t.modality) {
        changes.push({
          section,
          kind: 'therapy.added',
          text: `Therapy added: ${t.modality}${t.frequency ? `, ${t.frequency}` : ''}`,
          plain: `New therapy: ${t.modality}${t.frequency ? `, ${plainFrequency(t.frequency)}` : ''}.`,
        });
      }
      continue;
    }
    if ((prev.modality ?? '') !== (t.modality ?? '')) {
      changes.push({
        section,
        kind: 'therapy.modality',
        text: `Therapy modality ${prev.modality || '—'} → ${t.modality || '—'}`,
        plain: `Your therapy changed from ${prev.modality || 'none'} to ${t.modality || 'none'}.`,
      });
    }
    if ((prev.frequency ?? '') !== (t.frequency ?? '')) {
      changes.push({
        section,
        kind: 'therapy.frequency',
        text: `Therapy frequency ${prev.frequency || '—'} → ${t.frequency || '—'}`,
        plain: `Therapy sessions are now ${plainFrequency(t.frequency) || 'to be decided'}.`,
      });
    }
    if ((prev.focus ?? '') !== (t.focus ?? '') || (prev.therapist ?? '') !== (t.therapist ?? '')) {
      changes.push({
        section,
        kind: 'therapy.changed',
        text: `Therapy ${t.modality ?? ''} details updated`.replace(/ +/g, ' '),
        plain: 'Details of your therapy were updated.',
      });
    }
  }
  const current = new Set(keyed(b).keys());
  for (const [key, prev] of old) {
    if (current.has(key) || !prev.modality) continue;
    changes.push({
      section,
      kind: 'therapy.removed',
      text: `Therapy ended: ${prev.modality}`,
      plain: `${capitalize(prev.modality)} therapy was taken off your plan.`,
    });
  }
  return changes;
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
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const t = o.text ?? o.name ?? o.title ?? o.label;
    if (typeof t === 'string') return o.phone ? `${t} (${String(o.phone)})` : t;
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

/**
 * Deep equality that ignores key order: a stored version is canonical JSON
 * (sorted keys) while the live plan keeps the document's insertion order.
 */
function sameContent(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sorted(o[k])]),
    );
  }
  return value;
}

/** Sections compared as a whole: the clinician's name for each, and the patient's sentence. */
const OTHER_SECTIONS: Record<string, { label: string; plain: string }> = {
  monitoring: { label: 'Monitoring', plain: 'Your check-ups and tests were updated.' },
  education: { label: 'Education notes', plain: 'Education notes were updated.' },
  evaluation: { label: 'Evaluation summary', plain: 'The summary of your evaluation was updated.' },
  diagnoses: { label: 'Diagnoses', plain: 'Your diagnoses were updated.' },
  phasing: {
    label: 'Phasing of medication and therapy',
    plain: 'How your medication and therapy fit together was updated.',
  },
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
