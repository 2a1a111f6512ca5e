import { plainDate } from '../plan/plain.ts';
import type { PlanChange } from './diff.ts';
import { byId, listOf, normalText, sameText } from './compare.ts';
import type { TherapySnapshot } from './snapshot.ts';
import { capitalize, plainFrequency } from './wording.ts';

const section = 'therapy';

type Homework = NonNullable<TherapySnapshot['homework']>[number];

function therapyList(t: TherapySnapshot | TherapySnapshot[] | undefined): TherapySnapshot[] {
  if (!t) return [];
  return Array.isArray(t) ? t : [t];
}

function minutes(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Changes to therapy. A plan has one therapy map (its snapshot is an object);
 * a list is read too, keyed by id, for snapshots that held several.
 */
export function diffTherapy(
  before: TherapySnapshot | TherapySnapshot[] | undefined,
  after: TherapySnapshot | TherapySnapshot[] | undefined,
): PlanChange[] {
  const changes: PlanChange[] = [];
  const old = byId(therapyList(before));
  const current = byId(therapyList(after));
  for (const [key, t] of current) {
    const prev = old.get(key);
    if (!prev) {
      if (t.modality) changes.push(therapyAdded(t));
      changes.push(...diffHomework([], listOf<Homework>(t.homework)));
      continue;
    }
    changes.push(
      ...therapyChanges(prev, t),
      ...diffHomework(listOf<Homework>(prev.homework), listOf<Homework>(t.homework)),
    );
  }
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

function therapyAdded(t: TherapySnapshot): PlanChange {
  const length = minutes(t.sessionLength);
  return {
    section,
    kind: 'therapy.added',
    text: `Therapy added: ${t.modality}${t.frequency ? `, ${t.frequency}` : ''}${length ? `, ${length} min` : ''}`,
    plain: `New therapy: ${t.modality}${t.frequency ? `, ${plainFrequency(t.frequency)}` : ''}${length ? `, ${length} minutes each` : ''}.`,
  };
}

function therapyChanges(prev: TherapySnapshot, t: TherapySnapshot): PlanChange[] {
  const changes: PlanChange[] = [];
  if (!sameText(prev.modality, t.modality)) {
    changes.push({
      section,
      kind: 'therapy.modality',
      text: `Therapy modality ${prev.modality || '—'} → ${t.modality || '—'}`,
      plain: `Your therapy changed from ${prev.modality || 'none'} to ${t.modality || 'none'}.`,
    });
  }
  if (!sameText(prev.frequency, t.frequency)) {
    changes.push({
      section,
      kind: 'therapy.frequency',
      text: `Therapy frequency ${prev.frequency || '—'} → ${t.frequency || '—'}`,
      plain: `Therapy sessions are now ${plainFrequency(t.frequency) || 'to be decided'}.`,
    });
  }
  const was = minutes(prev.sessionLength);
  const is = minutes(t.sessionLength);
  if (was !== is) {
    changes.push({
      section,
      kind: 'therapy.length',
      text: `Therapy session length ${was ? `${was} min` : 'not set'} → ${is ? `${is} min` : 'not set'}`,
      plain: is
        ? `Therapy sessions are now ${is} minutes long${was ? ` (before: ${was} minutes)` : ''}.`
        : `Therapy sessions no longer have a set length (before: ${was} minutes).`,
    });
  }
  if (!sameText(prev.focus, t.focus) || !sameText(prev.therapist, t.therapist)) {
    changes.push({
      section,
      kind: 'therapy.changed',
      text: `Therapy ${t.modality ?? ''} details updated`.replace(/ +/g, ' '),
      plain: 'Details of your therapy were updated.',
    });
  }
  return changes;
}

function diffHomework(before: Homework[], after: Homework[]): PlanChange[] {
  const changes: PlanChange[] = [];
  const old = byId(before);
  const dueWords = (h: Homework) => (normalText(h.due) ? `, due ${normalText(h.due)}` : '');
  const duePlain = (h: Homework) =>
    normalText(h.due) ? `, by ${plainDate(normalText(h.due))}` : '';
  for (const [key, h] of byId(after)) {
    const task = normalText(h.task);
    const prev = old.get(key);
    if (!prev) {
      if (!task) continue;
      changes.push({
        section,
        kind: 'homework.added',
        text: `Homework added: “${task}”${dueWords(h)}`,
        plain: `New homework: “${task}”${duePlain(h)}.`,
      });
      continue;
    }
    if (!sameText(prev.task, h.task)) {
      changes.push({
        section,
        kind: 'homework.changed',
        text: `Homework reworded: “${normalText(prev.task)}” → “${task}”`,
        plain: `A homework task was reworded: it now reads “${task}”.`,
      });
    }
    if (!sameText(prev.due, h.due)) {
      changes.push({
        section,
        kind: 'homework.changed',
        text: `Homework “${task}”: due ${normalText(prev.due) || 'not set'} → ${normalText(h.due) || 'not set'}`,
        plain: normalText(h.due)
          ? `The homework “${task}” is now due ${plainDate(normalText(h.due))}.`
          : `The homework “${task}” no longer has a due date.`,
      });
    }
    if (Boolean(prev.done) !== Boolean(h.done)) {
      changes.push({
        section,
        kind: 'homework.changed',
        text: `Homework “${task}” marked ${h.done ? 'done' : 'not done'}`,
        plain: h.done
          ? `The homework “${task}” is marked done.`
          : `The homework “${task}” is open again.`,
      });
    }
  }
  const current = new Set(byId(after).keys());
  for (const [key, prev] of old) {
    const task = normalText(prev.task);
    if (current.has(key) || !task) continue;
    changes.push({
      section,
      kind: 'homework.removed',
      text: `Homework removed: “${task}”`,
      plain: `The homework “${task}” was taken off your plan.`,
    });
  }
  return changes;
}
