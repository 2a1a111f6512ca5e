/**
 * The fixed choices of a treatment plan (statuses, routes, modalities …). The
 * web app offers them in selects; stored values outside them are kept and shown as written.
 */

export const GOAL_STATUSES = ['not-started', 'in-progress', 'achieved', 'on-hold'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];
export const GOAL_STATUS_LABELS: Record<GoalStatus, string> = {
  'not-started': 'Not started',
  'in-progress': 'In progress',
  achieved: 'Achieved',
  'on-hold': 'On hold',
};

/** `proposed` is a change a therapist or the team suggested and a prescriber has not ordered yet. */
export const MEDICATION_STATUSES = [
  'proposed',
  'planned',
  'titrating',
  'active',
  'paused',
  'stopped',
] as const;
export type MedicationStatus = (typeof MEDICATION_STATUSES)[number];
export const MEDICATION_STATUS_LABELS: Record<MedicationStatus, string> = {
  proposed: 'Proposed',
  planned: 'Planned',
  titrating: 'Titrating',
  active: 'Active',
  paused: 'Paused',
  stopped: 'Stopped',
};

export const MEDICATION_ROUTES = [
  'oral',
  'sublingual',
  'transdermal',
  'intramuscular',
  'intranasal',
] as const;
export type MedicationRoute = (typeof MEDICATION_ROUTES)[number];

export const DOSE_UNITS = ['mg', 'mcg', 'g', 'mL', 'patch', 'tablet'] as const;

/** Frequencies offered for medications, in the clinical words Tandem stores. */
export const MEDICATION_FREQUENCIES = [
  'once daily',
  'twice daily',
  'three times daily',
  'every morning',
  'at bedtime',
  'as needed',
  'weekly',
  'every two weeks',
  'monthly',
] as const;

export const THERAPY_MODALITIES = ['CBT', 'DBT', 'psychodynamic', 'family', 'group'] as const;
export type TherapyModality = (typeof THERAPY_MODALITIES)[number];
export const THERAPY_MODALITY_LABELS: Record<TherapyModality, string> = {
  CBT: 'Cognitive behavioral therapy (CBT)',
  DBT: 'Dialectical behavior therapy (DBT)',
  psychodynamic: 'Psychodynamic therapy',
  family: 'Family therapy',
  group: 'Group therapy',
};

export const THERAPY_FREQUENCIES = [
  'twice weekly',
  'weekly',
  'every two weeks',
  'monthly',
] as const;

/** How medication and therapy are sequenced. */
export const PHASING_APPROACHES = ['together', 'medication-first', 'therapy-first'] as const;
export type PhasingApproach = (typeof PHASING_APPROACHES)[number];
export const PHASING_LABELS: Record<PhasingApproach, string> = {
  together: 'Medication and therapy together',
  'medication-first': 'Medication first, therapy after',
  'therapy-first': 'Therapy first, medication if needed',
};

export const DIAGNOSIS_STATUSES = ['provisional', 'confirmed', 'in-remission', 'resolved'] as const;
export type DiagnosisStatus = (typeof DIAGNOSIS_STATUSES)[number];
export const DIAGNOSIS_STATUS_LABELS: Record<DiagnosisStatus, string> = {
  provisional: 'Provisional',
  confirmed: 'Confirmed',
  'in-remission': 'In remission',
  resolved: 'Resolved',
};

/** The six steps of a Stanley–Brown safety plan, in the order a person uses them. */
export const SAFETY_LISTS = [
  'warningSigns',
  'copingStrategies',
  'peopleAndPlaces',
  'supportContacts',
  'professionals',
  'environment',
] as const;
export type SafetyList = (typeof SAFETY_LISTS)[number];

export const SAFETY_LIST_INFO: Record<
  SafetyList,
  { title: string; patientTitle: string; hasPhone: boolean; placeholder: string }
> = {
  warningSigns: {
    title: 'Warning signs',
    patientTitle: 'Signs that a crisis may be starting',
    hasPhone: false,
    placeholder: 'A thought, mood or situation',
  },
  copingStrategies: {
    title: 'Coping strategies',
    patientTitle: 'Things I can do on my own to feel better',
    hasPhone: false,
    placeholder: 'An activity that helps',
  },
  peopleAndPlaces: {
    title: 'People and places that distract',
    patientTitle: 'People and places that take my mind off things',
    hasPhone: true,
    placeholder: 'A person or a place',
  },
  supportContacts: {
    title: 'People to ask for help',
    patientTitle: 'People I can ask for help',
    hasPhone: true,
    placeholder: 'Name',
  },
  professionals: {
    title: 'Professionals and crisis lines',
    patientTitle: 'Professionals and crisis lines I can call',
    hasPhone: true,
    placeholder: 'Clinician, service or line',
  },
  environment: {
    title: 'Making the environment safe',
    patientTitle: 'Making my surroundings safer',
    hasPhone: false,
    placeholder: 'A step, e.g. medicines locked away',
  },
};

export const MONITORING_LISTS = ['labs', 'sideEffectChecks'] as const;
export type MonitoringList = (typeof MONITORING_LISTS)[number];
