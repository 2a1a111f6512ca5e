import { plainRoute } from '../plan/plain.ts';
import type { PlanChange } from './diff.ts';
import { byId, normalText, sameText } from './compare.ts';
import type { MedicationSnapshot } from './snapshot.ts';
import { capitalize, doseText, medicationLine, plainFrequency, timesPerDay } from './wording.ts';

const section = 'medications';

/** Statuses of a medication that is no longer part of the plan (older plans used the others). */
const STOPPED = new Set(['stopped', 'discontinued', 'inactive', 'completed']);
/** Statuses of a medication the patient takes. */
const TAKEN = new Set(['active', 'titrating']);
/** Statuses of a medication not started yet. */
const NOT_STARTED = new Set(['proposed', 'planned']);

/** An entry without a status (plans written before statuses) is taken, like an active one. */
function statusOf(m: MedicationSnapshot): string {
  return normalText(m.status).toLowerCase() || 'active';
}

/** What the patient reads of a new medication that is not taken yet, or not for now. */
const NOT_TAKEN_PLAIN: Record<string, string> = {
  proposed: 'It is only suggested and not started: your prescriber will talk it through with you.',
  planned: 'Your prescriber will tell you when to start.',
  paused: 'It is paused: do not take it for now.',
};

/** What the patient reads of a medication whose status changed to this one. */
const NOW_PLAIN: Record<string, string> = {
  proposed:
    'is now only suggested: it is not started, and your prescriber will talk it through with you.',
  planned: 'is now planned: your prescriber will tell you when to start.',
  titrating: 'is now being adjusted step by step.',
  active: 'is now at its set dose: take it as shown.',
  paused: 'is paused: do not take it for now.',
};

/** ", 50 mg, once a day": how much and how often, in the patient's words. */
function plainAmount(m: MedicationSnapshot): string {
  const dose = doseText(m);
  const when = plainFrequency(m.frequency);
  return `${dose ? `, ${dose}` : ''}${when ? `, ${when}` : ''}`;
}

/** ": 50 mg, once a day" after a sentence about the medicine, or nothing. */
function plainAmountAfter(m: MedicationSnapshot): string {
  const amount = plainAmount(m);
  return amount ? `:${amount.slice(1)}` : '';
}

/** The clinical one-line form, with the route when the route is part of what changed. */
function line(m: MedicationSnapshot, withRoute: boolean): string {
  if (!withRoute || !normalText(m.route)) return medicationLine(m);
  const dose = doseText(m);
  return [normalText(m.name), dose, normalText(m.route), normalText(m.frequency)]
    .filter(Boolean)
    .join(' ');
}

/**
 * Changes to the medication list. A medication keeps its id when it is edited,
 * so a new name on the same id reads as one medicine changed to another.
 */
export function diffMedications(
  before: MedicationSnapshot[],
  after: MedicationSnapshot[],
): PlanChange[] {
  const changes: PlanChange[] = [];
  const old = byId(before);
  for (const m of after) {
    const prev = old.get(m.id);
    if (!prev) {
      const added = addedMedication(m);
      if (added) changes.push(added);
      continue;
    }
    const status = statusChange(prev, m);
    if (status) changes.push(status);
    if (STOPPED.has(statusOf(m)) && !STOPPED.has(statusOf(prev))) continue;
    const amount = amountChange(prev, m);
    if (amount) changes.push(amount);
    changes.push(...detailChanges(prev, m));
  }
  const current = new Set(after.map((m) => m.id));
  for (const prev of before) {
    if (current.has(prev.id) || STOPPED.has(statusOf(prev))) continue;
    changes.push(endedMedication(prev));
  }
  return changes;
}

function addedMedication(m: MedicationSnapshot): PlanChange | null {
  const status = statusOf(m);
  const name = normalText(m.name);
  if (STOPPED.has(status)) return null;
  if (TAKEN.has(status)) {
    return {
      section,
      kind: 'medication.started',
      text: `Started ${medicationLine(m)}`,
      plain: `New medicine: ${name}${plainAmount(m)}.`,
    };
  }
  return {
    section,
    kind: 'medication.added',
    text: `Added ${medicationLine(m)} (${status})`,
    plain: `New medicine: ${name}${plainAmount(m)}. ${NOT_TAKEN_PLAIN[status] ?? `Its status is “${status}”.`}`,
  };
}

/** A medication taken off the list, or stopped, before or after it was started. */
function endedMedication(prev: MedicationSnapshot): PlanChange {
  const status = statusOf(prev);
  const name = capitalize(normalText(prev.name));
  if (NOT_STARTED.has(status)) {
    return {
      section,
      kind: 'medication.removed',
      text: `No longer ${status}: ${medicationLine(prev)}`,
      plain: `${name} is no longer ${status === 'proposed' ? 'suggested' : 'planned'}.`,
    };
  }
  return {
    section,
    kind: 'medication.stopped',
    text: `Stopped ${medicationLine(prev)}`,
    plain: `${name} was stopped.`,
  };
}

function statusChange(prev: MedicationSnapshot, m: MedicationSnapshot): PlanChange | null {
  const was = statusOf(prev);
  const is = statusOf(m);
  const wasStopped = STOPPED.has(was);
  const isStopped = STOPPED.has(is);
  if (was === is || (wasStopped && isStopped)) return null;
  if (isStopped) return endedMedication(prev);
  const name = normalText(m.name);
  const Name = capitalize(name);
  if (TAKEN.has(is) && (wasStopped || NOT_STARTED.has(was))) {
    return wasStopped
      ? {
          section,
          kind: 'medication.started',
          text: `Restarted ${medicationLine(m)}`,
          plain: `${Name} was started again${plainAmountAfter(m)}.`,
        }
      : {
          section,
          kind: 'medication.started',
          text: `Started ${medicationLine(m)}`,
          plain: `${Name} was started${plainAmountAfter(m)}.`,
        };
  }
  if (TAKEN.has(is) && was === 'paused') {
    return {
      section,
      kind: 'medication.status',
      text: `Resumed ${medicationLine(m)}`,
      plain: `${Name} was resumed${plainAmountAfter(m)}.`,
    };
  }
  if (is === 'paused' && TAKEN.has(was)) {
    return {
      section,
      kind: 'medication.status',
      text: `Paused ${medicationLine(m)}`,
      plain: `${Name} was paused: do not take it for now.`,
    };
  }
  return {
    section,
    kind: 'medication.status',
    text: `${name}: ${was} → ${is}`,
    plain: `${Name} ${NOW_PLAIN[is] ?? `is now marked “${is}”.`}`,
  };
}

/** Whether a dose went up or down per day, or only "changed" when the day's total is unclear. */
function direction(prev: MedicationSnapshot, m: MedicationSnapshot): string {
  if (prev.dose == null || m.dose == null || !sameText(prev.unit, m.unit)) return 'changed';
  const sameSchedule = sameText(prev.frequency, m.frequency);
  const before = prev.dose * (sameSchedule ? 1 : (timesPerDay(prev.frequency) ?? NaN));
  const after = m.dose * (sameSchedule ? 1 : (timesPerDay(m.frequency) ?? NaN));
  return after > before ? 'went up' : after < before ? 'went down' : 'changed';
}

function routeText(route: unknown): string {
  return normalText(route) || 'no route';
}

/** " You now take it under the tongue (before: by mouth).": the patient's sentence on a route change. */
function plainRouteChange(prev: MedicationSnapshot, m: MedicationSnapshot): string {
  const was = normalText(prev.route);
  const is = normalText(m.route);
  if (!is) return ` How to take it (${plainRoute(was)}) is no longer on your plan.`;
  return ` You now take it ${plainRoute(is)}${was ? ` (before: ${plainRoute(was)})` : ''}.`;
}

/** A change of name, dose, frequency or route, as one line a prescriber reads at a glance. */
function amountChange(prev: MedicationSnapshot, m: MedicationSnapshot): PlanChange | null {
  const name = normalText(m.name);
  const renamed = normalText(prev.name).toLowerCase() !== name.toLowerCase();
  const doseChanged = doseText(prev) !== doseText(m);
  const freqChanged = !sameText(prev.frequency, m.frequency);
  const routeChanged = !sameText(prev.route, m.route);
  const routeClinical = routeChanged ? `, ${routeText(prev.route)} → ${routeText(m.route)}` : '';
  const routePlain = routeChanged ? plainRouteChange(prev, m) : '';

  if (renamed) {
    return {
      section,
      kind: 'medication.changed',
      text: `${line(prev, routeChanged)} → ${line(m, routeChanged)}`,
      plain: `${capitalize(normalText(prev.name))} was changed to ${name}${plainAmountAfter(m)}.${routePlain}`,
    };
  }
  if (doseChanged) {
    const was = doseText(prev);
    const is = doseText(m);
    const oldFreq = normalText(prev.frequency);
    const newFreq = normalText(m.frequency);
    const freq = freqChanged
      ? `, ${oldFreq || '—'} → ${newFreq || '—'}`
      : newFreq
        ? `${was && is ? ' ' : ', '}${newFreq}`
        : '';
    const everyday = (f: string | undefined) => plainFrequency(f) || 'with no set schedule';
    let plain: string;
    if (!is) {
      plain = `The dose of ${name} is no longer written in your plan (it was ${was}${oldFreq ? `, ${everyday(oldFreq)}` : ''}). Ask your prescriber how much to take.`;
    } else if (!was) {
      plain = `Your ${name} dose is now ${is}${newFreq ? `, ${everyday(newFreq)}` : ''}.`;
    } else if (freqChanged) {
      plain = `Your ${name} dose ${direction(prev, m)} from ${was}, ${everyday(oldFreq)}, to ${is}, ${everyday(newFreq)}.`;
    } else {
      plain = `Your ${name} dose ${direction(prev, m)} from ${was} to ${is}${newFreq ? `, ${everyday(newFreq)}` : ''}.`;
    }
    return {
      section,
      kind: 'medication.dose',
      text: `${name} ${was || 'no dose'} → ${is || 'no dose'}${freq}${routeClinical}`,
      plain: `${plain}${routePlain}`,
    };
  }
  if (freqChanged) {
    return {
      section,
      kind: 'medication.frequency',
      text: `${[name, doseText(m)].filter(Boolean).join(' ')} ${normalText(prev.frequency) || '—'} → ${normalText(m.frequency) || '—'}${routeClinical}`,
      plain: `You now take ${name} ${plainFrequency(m.frequency) || 'on a new schedule'} (before: ${plainFrequency(prev.frequency) || 'another schedule'}).${routePlain}`,
    };
  }
  if (routeChanged) {
    return {
      section,
      kind: 'medication.route',
      text: `${medicationLine(m)}: ${routeText(prev.route)} → ${routeText(m.route)}`,
      plain: `${routePlain.trim().replace(/^You now take it/, `You now take ${name}`)}`,
    };
  }
  return null;
}

function titrationText(m: MedicationSnapshot): string {
  const steps = Array.isArray(m.titration) ? m.titration : [];
  const words = steps.map((s) =>
    [
      s.afterWeeks == null ? '' : `week ${s.afterWeeks}:`,
      s.dose == null ? '' : doseText({ dose: s.dose, unit: m.unit }),
      normalText(s.note),
    ]
      .filter(Boolean)
      .join(' '),
  );
  return words.filter(Boolean).join('; ') || 'none';
}

/** Instructions, indication, titration and monitoring: each its own line. */
function detailChanges(prev: MedicationSnapshot, m: MedicationSnapshot): PlanChange[] {
  const changes: PlanChange[] = [];
  const name = normalText(m.name);
  const kind = 'medication.changed' as const;
  if (!sameText(prev.instructions, m.instructions)) {
    const was = normalText(prev.instructions);
    const is = normalText(m.instructions);
    changes.push({
      section,
      kind,
      text: `${name} instructions: ${was ? `“${was}”` : 'none'} → ${is ? `“${is}”` : 'none'}`,
      plain: is
        ? `New instructions for ${name}: “${is}”${/[.!?]$/.test(is) ? '' : '.'}`
        : `The instructions for ${name} (“${was}”) were taken off your plan.`,
    });
  }
  if (!sameText(prev.indication, m.indication)) {
    const was = normalText(prev.indication);
    const is = normalText(m.indication);
    changes.push({
      section,
      kind,
      text: `${name} indication: ${was || '—'} → ${is || '—'}`,
      plain: is
        ? `${capitalize(name)} is now for ${is}.`
        : `What ${name} is for is no longer written in your plan.`,
    });
  }
  const titrationBefore = titrationText(prev);
  const titrationAfter = titrationText(m);
  if (titrationBefore !== titrationAfter) {
    changes.push({
      section,
      kind,
      text: `${name} titration: ${titrationBefore} → ${titrationAfter}`,
      plain: `The steps for changing your ${name} dose were updated.`,
    });
  }
  if (!sameText(prev.monitoring, m.monitoring)) {
    changes.push({
      section,
      kind,
      text: `${name} monitoring updated`,
      plain: `What to watch for with ${name} was updated.`,
    });
  }
  return changes;
}
