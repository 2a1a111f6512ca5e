/**
 * A plan's content as plain JSON (what a signed version stores and what diffs
 * compare). Only the fields diffs and exports read are named; entries may
 * carry more.
 */
export type GoalSnapshot = {
  id: string;
  title: string;
  status?: string;
  target?: string;
  dueDate?: string;
  patientWords?: string;
  [extra: string]: unknown;
};

export type MedicationSnapshot = {
  id: string;
  name: string;
  dose?: number | null;
  unit?: string;
  route?: string;
  frequency?: string;
  status?: string;
  indication?: string;
  instructions?: string;
  monitoring?: string;
  titration?: { afterWeeks?: number | null; dose?: number | null; note?: string }[];
  [extra: string]: unknown;
};

export type TherapySnapshot = {
  modality?: string;
  frequency?: string;
  focus?: string;
  therapist?: string;
  /** Minutes per session. */
  sessionLength?: number | null;
  homework?: { id: string; task?: string; due?: string; done?: boolean }[];
  [extra: string]: unknown;
};

/** Evaluation summary (symptoms, history, lifestyle, patientGoals), diagnoses and phasing. */
export type OverviewSnapshot = {
  phasing?: string;
  phasingNote?: string;
  diagnoses?: { id: string; condition?: string; code?: string; status?: string; note?: string }[];
  [field: string]: unknown;
};

export type PlanSnapshot = {
  overview?: OverviewSnapshot;
  goals?: GoalSnapshot[];
  medications?: MedicationSnapshot[];
  therapy?: TherapySnapshot | TherapySnapshot[];
  safety?: Record<string, unknown>;
  monitoring?: unknown;
  education?: unknown;
  [section: string]: unknown;
};
