import { z } from 'zod';
import { DIAGNOSIS_STATUSES, GOAL_STATUSES, MEDICATION_STATUSES } from './vocabulary.ts';

/**
 * The shape of each list entry in a plan document, read tolerantly: a field
 * with a wrong type (an old client, a bad write) reads as its default instead
 * of breaking the whole plan.
 */

const text = z.string().catch('');
const id = z.string().catch('');
const optionalNumber = z.number().finite().nullable().catch(null);

export const GoalEntry = z.object({
  id,
  title: text,
  status: z.enum(GOAL_STATUSES).catch('not-started'),
  /** Measurable target, e.g. "PHQ-9 below 10". */
  target: text,
  /** YYYY-MM-DD or empty. */
  dueDate: text,
  /** The goal in the patient's own words. */
  patientWords: text,
});
export type GoalEntry = z.infer<typeof GoalEntry>;

export const TitrationStep = z.object({
  id,
  /** Weeks after the start date when this step begins. */
  afterWeeks: optionalNumber,
  dose: optionalNumber,
  note: text,
});
export type TitrationStep = z.infer<typeof TitrationStep>;

export const MedicationEntry = z.object({
  id,
  name: text,
  dose: optionalNumber,
  unit: text,
  route: text,
  frequency: text,
  startDate: text,
  titration: z.array(TitrationStep).catch([]),
  /** What it is prescribed for, e.g. "depression". */
  indication: text,
  status: z.enum(MEDICATION_STATUSES).catch('planned'),
  prescriber: text,
  /** Labs and side effects to watch for this medication. */
  monitoring: text,
  /** How to take it, for the patient: "with food", "in the morning". */
  instructions: text,
});
export type MedicationEntry = z.infer<typeof MedicationEntry>;

export const DiagnosisEntry = z.object({
  id,
  condition: text,
  /** ICD-10 code, e.g. F33.1. */
  code: text,
  status: z.enum(DIAGNOSIS_STATUSES).catch('provisional'),
  note: text,
});
export type DiagnosisEntry = z.infer<typeof DiagnosisEntry>;

export const HomeworkEntry = z.object({
  id,
  task: text,
  due: text,
  done: z.boolean().catch(false),
});
export type HomeworkEntry = z.infer<typeof HomeworkEntry>;

export const MonitoringEntry = z.object({
  id,
  /** The lab test or the check, e.g. "Lithium level", "PHQ-9", "Sleep and appetite". */
  name: text,
  frequency: text,
  nextDue: text,
  note: text,
});
export type MonitoringEntry = z.infer<typeof MonitoringEntry>;

export const SafetyEntry = z.object({
  id,
  text,
  phone: text,
});
export type SafetyEntry = z.infer<typeof SafetyEntry>;

export const EducationTopicEntry = z.object({
  id,
  topic: text,
  covered: z.boolean().catch(false),
});
export type EducationTopicEntry = z.infer<typeof EducationTopicEntry>;

/** An entry as it is written: nested entries may leave their id to be generated. */
type Writable<V> = V extends (infer U)[]
  ? U extends { id: string }
    ? (Omit<U, 'id'> & { id?: string })[]
    : V
  : V;

/** The fields an entry of type T may be created or patched with (never its id). */
export type EntryFields<T> = { [K in Exclude<keyof T, 'id'>]?: Writable<T[K]> };
