import type { MedicationSnapshot } from './snapshot.ts';

const FREQUENCY_WORDS: Record<string, string> = {
  qd: 'once a day',
  daily: 'once a day',
  'once daily': 'once a day',
  bid: 'twice a day',
  'twice daily': 'twice a day',
  tid: 'three times a day',
  'three times daily': 'three times a day',
  qid: 'four times a day',
  qhs: 'at bedtime',
  'at bedtime': 'at bedtime',
  qam: 'every morning',
  'every morning': 'every morning',
  prn: 'only when needed',
  'as needed': 'only when needed',
  weekly: 'once a week',
  biweekly: 'every two weeks',
};

/** A frequency in everyday words ("bid" → "twice a day"); unknown text is kept as written. */
export function plainFrequency(frequency: string | undefined): string {
  if (!frequency) return '';
  return FREQUENCY_WORDS[frequency.trim().toLowerCase()] ?? frequency.trim();
}

/** How many doses a frequency means per day, or undefined when it does not say ("as needed"). */
const TIMES_PER_DAY: Record<string, number> = {
  qd: 1,
  daily: 1,
  'once daily': 1,
  qam: 1,
  'every morning': 1,
  qhs: 1,
  'at bedtime': 1,
  bid: 2,
  'twice daily': 2,
  tid: 3,
  'three times daily': 3,
  qid: 4,
  'four times daily': 4,
  weekly: 1 / 7,
  biweekly: 1 / 14,
  'every two weeks': 1 / 14,
  monthly: 1 / 30,
};

export function timesPerDay(frequency: string | undefined): number | undefined {
  return TIMES_PER_DAY[(frequency ?? '').trim().toLowerCase()];
}

export function doseText(m: Pick<MedicationSnapshot, 'dose' | 'unit'>): string {
  if (m.dose === undefined || m.dose === null || Number.isNaN(m.dose)) return '';
  return `${formatNumber(m.dose)}${m.unit ? ` ${m.unit}` : ''}`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** "sertraline 50 mg once daily": the clinical one-line form of a medication. */
export function medicationLine(m: MedicationSnapshot): string {
  return [m.name.trim(), doseText(m), m.frequency?.trim() ?? ''].filter(Boolean).join(' ');
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
