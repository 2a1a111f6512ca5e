import { doseText, plainFrequency } from '../versions/wording.ts';
import type { GoalEntry, MedicationEntry } from './entries.ts';
import type {
  GoalStatus,
  MedicationStatus,
  PhasingApproach,
  TherapyModality,
} from './vocabulary.ts';

/**
 * Plain-language words for the patient's view of their plan: no jargon
 * without an explanation. Clinician wording stays in the data; these only read it.
 */

export { plainFrequency };

const ROUTE_WORDS: Record<string, string> = {
  oral: 'by mouth',
  sublingual: 'under the tongue',
  transdermal: 'as a skin patch',
  intramuscular: 'as an injection',
  intranasal: 'as a nasal spray',
};

export function plainRoute(route: string): string {
  return ROUTE_WORDS[route.trim().toLowerCase()] ?? route.trim();
}

/** "50 mg by mouth, once a day" — how much, how and when, in everyday words. */
export function howToTake(
  m: Pick<MedicationEntry, 'dose' | 'unit' | 'route' | 'frequency'>,
): string {
  const amount = [doseText(m), m.route ? plainRoute(m.route) : ''].filter(Boolean).join(' ');
  const when = plainFrequency(m.frequency);
  return [amount, when].filter(Boolean).join(', ');
}

type DrugInfo = { kind: string; purpose: string };

/** What a class of medicines is and what it is usually for, in plain words. */
const DRUG_KINDS: Record<string, DrugInfo> = {
  ssri: {
    kind: 'an antidepressant (SSRI)',
    purpose:
      'It raises the level of serotonin, a chemical messenger in the brain, which can lift mood and ease anxiety. It usually takes 4 to 6 weeks to work fully.',
  },
  snri: {
    kind: 'an antidepressant (SNRI)',
    purpose:
      'It raises serotonin and noradrenaline, two chemical messengers in the brain, which can lift mood, ease anxiety and sometimes nerve pain.',
  },
  bupropion: {
    kind: 'an antidepressant',
    purpose:
      'It works on dopamine and noradrenaline, which can improve mood, energy and concentration. It is also used to help people stop smoking.',
  },
  mirtazapine: {
    kind: 'an antidepressant',
    purpose: 'It can lift mood and also helps with sleep and appetite.',
  },
  trazodone: {
    kind: 'an antidepressant often used for sleep',
    purpose: 'In low doses it helps with falling and staying asleep.',
  },
  stimulant: {
    kind: 'a stimulant',
    purpose:
      'It helps the parts of the brain that manage attention and self-control work better, which can make it easier to focus and finish tasks.',
  },
  atomoxetine: {
    kind: 'a non-stimulant ADHD medicine',
    purpose: 'It improves attention and impulse control gradually over several weeks.',
  },
  alpha2: {
    kind: 'a non-stimulant ADHD medicine',
    purpose: 'It can calm restlessness and impulsiveness and may help with sleep.',
  },
  lithium: {
    kind: 'a mood stabilizer',
    purpose:
      'It evens out the highs and lows of mood and lowers the risk of relapse. It needs regular blood tests to keep the level safe.',
  },
  anticonvulsant: {
    kind: 'a mood stabilizer',
    purpose: 'It helps keep mood steady and prevent episodes of mania or depression.',
  },
  antipsychotic: {
    kind: 'an antipsychotic',
    purpose:
      'It can steady mood, calm racing thoughts and help with sleep. In lower doses it is also used alongside antidepressants.',
  },
  benzodiazepine: {
    kind: 'a sedative (benzodiazepine)',
    purpose:
      'It eases severe anxiety quickly. It is meant for short-term use because the body can get used to it.',
  },
  buspirone: {
    kind: 'an anti-anxiety medicine',
    purpose: 'It reduces ongoing worry and tension over a few weeks, without being habit-forming.',
  },
  hydroxyzine: {
    kind: 'an antihistamine used for anxiety',
    purpose: 'It can calm anxiety for a few hours and is not habit-forming.',
  },
  prazosin: {
    kind: 'a blood pressure medicine used for nightmares',
    purpose: 'It can reduce trauma-related nightmares and improve sleep.',
  },
  propranolol: {
    kind: 'a beta blocker',
    purpose: 'It calms the body’s signs of anxiety, such as a racing heart or shaking.',
  },
  melatonin: {
    kind: 'a sleep hormone supplement',
    purpose: 'It helps set the body clock so falling asleep is easier.',
  },
  naltrexone: {
    kind: 'a medicine for cravings',
    purpose: 'It reduces cravings for alcohol or opioids.',
  },
};

const DRUGS: Record<string, keyof typeof DRUG_KINDS> = {
  sertraline: 'ssri',
  zoloft: 'ssri',
  fluoxetine: 'ssri',
  prozac: 'ssri',
  escitalopram: 'ssri',
  lexapro: 'ssri',
  citalopram: 'ssri',
  paroxetine: 'ssri',
  fluvoxamine: 'ssri',
  vortioxetine: 'ssri',
  venlafaxine: 'snri',
  desvenlafaxine: 'snri',
  duloxetine: 'snri',
  bupropion: 'bupropion',
  wellbutrin: 'bupropion',
  mirtazapine: 'mirtazapine',
  trazodone: 'trazodone',
  methylphenidate: 'stimulant',
  ritalin: 'stimulant',
  concerta: 'stimulant',
  dexmethylphenidate: 'stimulant',
  lisdexamfetamine: 'stimulant',
  vyvanse: 'stimulant',
  amphetamine: 'stimulant',
  adderall: 'stimulant',
  atomoxetine: 'atomoxetine',
  viloxazine: 'atomoxetine',
  guanfacine: 'alpha2',
  clonidine: 'alpha2',
  lithium: 'lithium',
  lamotrigine: 'anticonvulsant',
  valproate: 'anticonvulsant',
  divalproex: 'anticonvulsant',
  carbamazepine: 'anticonvulsant',
  quetiapine: 'antipsychotic',
  aripiprazole: 'antipsychotic',
  olanzapine: 'antipsychotic',
  risperidone: 'antipsychotic',
  lurasidone: 'antipsychotic',
  cariprazine: 'antipsychotic',
  lorazepam: 'benzodiazepine',
  clonazepam: 'benzodiazepine',
  alprazolam: 'benzodiazepine',
  diazepam: 'benzodiazepine',
  buspirone: 'buspirone',
  hydroxyzine: 'hydroxyzine',
  prazosin: 'prazosin',
  propranolol: 'propranolol',
  melatonin: 'melatonin',
  naltrexone: 'naltrexone',
};

/** What kind of medicine this is and what that kind does, or null for names Tandem does not know. */
export function drugInfo(name: string): DrugInfo | null {
  const word =
    name
      .trim()
      .toLowerCase()
      .match(/[a-z]+/)?.[0] ?? '';
  const kind = DRUGS[word];
  return kind ? DRUG_KINDS[kind]! : null;
}

const CONDITIONS: { match: RegExp; name: string; plain: string }[] = [
  {
    match: /bipolar/i,
    name: 'Bipolar disorder',
    plain: 'Periods of very low mood and periods of very high energy or irritability (mania).',
  },
  {
    match: /depress/i,
    name: 'Depression',
    plain:
      'Low mood, loss of interest and low energy that last for weeks and get in the way of life.',
  },
  {
    match: /panic/i,
    name: 'Panic disorder',
    plain:
      'Sudden waves of intense fear with strong body sensations, and worry about the next one.',
  },
  {
    match: /anxiety|GAD/i,
    name: 'Anxiety',
    plain:
      'Worry or fear that is hard to control and shows up in the body, sleep and concentration.',
  },
  {
    match: /ADHD|attention/i,
    name: 'ADHD',
    plain:
      'Differences in attention, activity and impulse control that make focus and organisation harder.',
  },
  {
    match: /OCD|obsessive/i,
    name: 'OCD',
    plain: 'Unwanted repeating thoughts and urges to do things to ease the distress they cause.',
  },
  {
    match: /PTSD|trauma/i,
    name: 'PTSD',
    plain: 'Reliving a frightening experience, staying on guard and avoiding reminders of it.',
  },
  {
    match: /insomnia|sleep/i,
    name: 'Sleep problems',
    plain: 'Trouble falling or staying asleep that leaves you tired during the day.',
  },
];

/** A condition's everyday explanation, or null when Tandem has none. */
export function conditionPlain(condition: string): string | null {
  return CONDITIONS.find((c) => c.match.test(condition))?.plain ?? null;
}

export const MODALITY_PLAIN: Record<TherapyModality, string> = {
  CBT: 'Cognitive behavioral therapy: a practical talking therapy that helps you notice unhelpful thoughts and habits and try new ways of responding.',
  DBT: 'Dialectical behavior therapy: learning skills to handle strong emotions, get through crises and get along with people.',
  psychodynamic:
    'Psychodynamic therapy: talking about feelings, relationships and past experiences to understand patterns that affect you now.',
  family:
    'Family therapy: sessions with the people close to you, to understand each other and work on problems together.',
  group:
    'Group therapy: meeting with a therapist and a small group of people working on similar things.',
};

export const PHASING_PLAIN: Record<PhasingApproach, string> = {
  together: 'You start medication and therapy at the same time; they work best together.',
  'medication-first': 'You start with medication first. Once you feel steadier, therapy begins.',
  'therapy-first':
    'You start with therapy first. Medication is added if therapy alone is not helping enough.',
};

export const GOAL_STATUS_PLAIN: Record<GoalStatus, string> = {
  'not-started': 'Not started yet',
  'in-progress': 'Working on it',
  achieved: 'Done',
  'on-hold': 'Paused for now',
};

export const MEDICATION_STATUS_PLAIN: Record<MedicationStatus, string> = {
  proposed: 'Suggested — not started. Your prescriber will talk it through with you.',
  planned: 'Planned — your prescriber will tell you when to start.',
  titrating: 'Starting low and going up step by step.',
  active: 'Take as shown.',
  paused: 'Paused — do not take it for now.',
  stopped: 'Stopped — no longer part of your plan.',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "2025-03-01" → "March 1, 2025"; anything else is returned as written. */
export function plainDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate.trim());
  if (!m) return isoDate;
  const month = MONTHS[Number(m[2]) - 1];
  return month ? `${month} ${Number(m[3])}, ${m[1]}` : isoDate;
}

/** The sentence a patient reads under a goal: what counts as done and by when. */
export function goalTargetPlain(goal: Pick<GoalEntry, 'target' | 'dueDate'>): string {
  const parts = [];
  if (goal.target) parts.push(`Aim: ${goal.target}`);
  if (goal.dueDate) parts.push(`by ${plainDate(goal.dueDate)}`);
  return parts.join(' ');
}
