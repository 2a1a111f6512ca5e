/**
 * The questionnaires a patient completes as a check-in: PHQ-9 (depression)
 * and GAD-7 (anxiety), in their published wording, with their published
 * scoring. Both are free to use without permission. Measurement-based care
 * reads their totals over time: a fall of half from the first score is a
 * response, a total under 5 a remission.
 */

export const INSTRUMENTS = ['phq9', 'gad7'] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

export const SEVERITIES = ['minimal', 'mild', 'moderate', 'moderately_severe', 'severe'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Record<Severity, string> = {
  minimal: 'Minimal',
  mild: 'Mild',
  moderate: 'Moderate',
  moderately_severe: 'Moderately severe',
  severe: 'Severe',
};

/** The answers to every item, scored 0 to 3. */
export const ANSWER_OPTIONS = [
  'Not at all',
  'Several days',
  'More than half the days',
  'Nearly every day',
] as const;

/** LOINC answer codes of ANSWER_OPTIONS, in order (answer list LL358-3). */
export const ANSWER_LOINC = ['LA6568-5', 'LA6569-3', 'LA6570-1', 'LA6571-9'] as const;

/** The closing question of both forms; answered or not, it is not scored. */
export const DIFFICULTY_QUESTION =
  'If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?';
export const DIFFICULTY_OPTIONS = [
  'Not difficult at all',
  'Somewhat difficult',
  'Very difficult',
  'Extremely difficult',
] as const;

export type Questionnaire = {
  instrument: Instrument;
  /** The clinical name: "PHQ-9". */
  name: string;
  /** What the patient is asked to do, in their words: "Mood check-in". */
  title: string;
  /** What it measures: "depression". */
  measures: string;
  stem: string;
  items: readonly string[];
  /**
   * The index of the item asking about thoughts of self-harm: any answer
   * above "Not at all" needs a clinician to follow up.
   */
  safetyItem: number | null;
  /** Lowest total of each severity band, ascending. */
  bands: readonly { min: number; severity: Severity }[];
  /** LOINC code of the total score, for the FHIR export. */
  loinc: { code: string; display: string };
  /** LOINC code of each item, in order, for the FHIR export. */
  itemLoinc: readonly string[];
};

export const QUESTIONNAIRES: Record<Instrument, Questionnaire> = {
  phq9: {
    instrument: 'phq9',
    name: 'PHQ-9',
    title: 'Mood check-in',
    measures: 'depression',
    stem: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
    items: [
      'Little interest or pleasure in doing things',
      'Feeling down, depressed, or hopeless',
      'Trouble falling or staying asleep, or sleeping too much',
      'Feeling tired or having little energy',
      'Poor appetite or overeating',
      'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
      'Trouble concentrating on things, such as reading the newspaper or watching television',
      'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
      'Thoughts that you would be better off dead or of hurting yourself in some way',
    ],
    safetyItem: 8,
    bands: [
      { min: 0, severity: 'minimal' },
      { min: 5, severity: 'mild' },
      { min: 10, severity: 'moderate' },
      { min: 15, severity: 'moderately_severe' },
      { min: 20, severity: 'severe' },
    ],
    loinc: {
      code: '44261-6',
      display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]',
    },
    itemLoinc: [
      '44250-9',
      '44255-8',
      '44259-0',
      '44254-1',
      '44251-7',
      '44258-2',
      '44252-5',
      '44253-3',
      '44260-8',
    ],
  },
  gad7: {
    instrument: 'gad7',
    name: 'GAD-7',
    title: 'Anxiety check-in',
    measures: 'anxiety',
    stem: 'Over the last 2 weeks, how often have you been bothered by the following problems?',
    items: [
      'Feeling nervous, anxious, or on edge',
      'Not being able to stop or control worrying',
      'Worrying too much about different things',
      'Trouble relaxing',
      'Being so restless that it is hard to sit still',
      'Becoming easily annoyed or irritable',
      'Feeling afraid, as if something awful might happen',
    ],
    safetyItem: null,
    bands: [
      { min: 0, severity: 'minimal' },
      { min: 5, severity: 'mild' },
      { min: 10, severity: 'moderate' },
      { min: 15, severity: 'severe' },
    ],
    loinc: {
      code: '70274-6',
      display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]',
    },
    itemLoinc: ['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7'],
  },
};

export const maxScore = (instrument: Instrument): number =>
  QUESTIONNAIRES[instrument].items.length * (ANSWER_OPTIONS.length - 1);

export type CheckInScore = {
  score: number;
  severity: Severity;
  /** Thoughts of self-harm were reported: a clinician follows up. */
  safety: boolean;
};

/** Scores a complete set of answers; the caller has checked their count and range. */
export function scoreCheckIn(instrument: Instrument, answers: readonly number[]): CheckInScore {
  const q = QUESTIONNAIRES[instrument];
  const score = answers.reduce((sum, a) => sum + a, 0);
  const severity = q.bands.findLast((b) => score >= b.min)!.severity;
  const safety = q.safetyItem !== null && (answers[q.safetyItem] ?? 0) > 0;
  return { score, severity, safety };
}

export type CheckInProgress = {
  /** Latest minus first: negative is better. */
  change: number;
  /** The change as a share of the first score, rounded; null when the first was 0. */
  percent: number | null;
  /** Half or less of the first score. */
  response: boolean;
  /** Under 5, the end of the "minimal" band. */
  remission: boolean;
};

/** How the newest score compares with the first (the baseline). */
export function checkInProgress(first: number, latest: number): CheckInProgress {
  const change = latest - first;
  return {
    change,
    percent: first === 0 ? null : Math.round((change / first) * 100),
    response: first > 0 && latest <= first / 2,
    remission: latest < 5,
  };
}
