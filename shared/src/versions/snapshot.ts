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
  [extra: string]: unknown;
};

export type TherapySnapshot = {
  modality?: string;
  frequency?: string;
  focus?: string;
  therapist?: string;
  [extra: string]: unknown;
};

export type PlanSnapshot = {
  goals?: GoalSnapshot[];
  medications?: MedicationSnapshot[];
  therapy?: TherapySnapshot | TherapySnapshot[];
  safety?: Record<string, unknown>;
  monitoring?: unknown;
  education?: unknown;
  [section: string]: unknown;
};
