import { fillPlanDocs, type PlanContent, type PlanDocs } from './content.ts';
import { paragraphs } from './richtext.ts';

/** Templates a new plan starts from; `blank` has the structure and no content. */
export const PLAN_TEMPLATE_IDS = ['blank', 'depression-anxiety', 'adhd', 'bipolar'] as const;
export type PlanTemplateId = (typeof PLAN_TEMPLATE_IDS)[number];

export type TemplateOptions = {
  /** The plan's start date, YYYY-MM-DD; due dates and titration are counted from it. */
  start: string;
  prescriber?: string;
  therapist?: string;
};

export type PlanTemplate = {
  id: PlanTemplateId;
  label: string;
  description: string;
  content(opts: TemplateOptions): PlanContent;
};

/** Adds whole weeks to a YYYY-MM-DD date, in UTC so the result never shifts by a day. */
export function addWeeks(isoDate: string, weeks: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return '';
  d.setUTCDate(d.getUTCDate() + weeks * 7);
  return d.toISOString().slice(0, 10);
}

const bullets = (...items: string[]) => ({ type: 'bullets' as const, items });

/** Safety-plan lines every template starts with; the team personalises them with the patient. */
const CRISIS_CONTACTS = [
  { text: '988 Suicide & Crisis Lifeline (call or text, 24/7)', phone: '988' },
  { text: 'Emergency services', phone: '911' },
];

const blank: PlanTemplate = {
  id: 'blank',
  label: 'Blank plan',
  description: 'Every section, empty. For plans that fit no template.',
  content: () => ({ safety: { professionals: CRISIS_CONTACTS } }),
};

const depressionAnxiety: PlanTemplate = {
  id: 'depression-anxiety',
  label: 'Depression and anxiety',
  description: 'An SSRI started low and titrated, with weekly CBT and measurement-based follow-up.',
  content: ({ start, prescriber = '', therapist = '' }) => ({
    overview: {
      symptoms: paragraphs(
        'Low mood most days, loss of interest, poor sleep with early waking, and persistent worry that is hard to switch off.',
      ),
      history: [],
      lifestyle: [],
      patientGoals: [],
      diagnoses: [
        {
          condition: 'Major depressive disorder, recurrent, moderate',
          code: 'F33.1',
          status: 'confirmed',
        },
        { condition: 'Generalized anxiety disorder', code: 'F41.1', status: 'provisional' },
      ],
      phasing: 'together',
      phasingNote: 'Start the SSRI and CBT together; review response at week 6.',
    },
    goals: [
      {
        title: 'Feel less low on most days',
        status: 'in-progress',
        target: 'PHQ-9 below 10',
        dueDate: addWeeks(start, 12),
        patientWords: '',
      },
      {
        title: 'Worry less and sleep better',
        status: 'not-started',
        target: 'GAD-7 below 8; 7 hours of sleep on 5 nights a week',
        dueDate: addWeeks(start, 12),
        patientWords: '',
      },
    ],
    medications: [
      {
        name: 'Sertraline',
        dose: 50,
        unit: 'mg',
        route: 'oral',
        frequency: 'once daily',
        startDate: start,
        titration: [
          { afterWeeks: 0, dose: 25, note: 'Start at 25 mg for one week to limit nausea' },
          { afterWeeks: 1, dose: 50, note: 'Target dose' },
          { afterWeeks: 6, dose: 100, note: 'Only if PHQ-9 has improved by less than half' },
        ],
        indication: 'Depression and anxiety',
        status: 'planned',
        prescriber,
        monitoring: 'Nausea, sleep changes, restlessness; suicidal thoughts in the first weeks',
        instructions: 'Take in the morning with food.',
      },
    ],
    therapy: {
      modality: 'CBT',
      frequency: 'weekly',
      therapist,
      sessionLength: 50,
      focus: [
        bullets(
          'Behavioral activation: rebuild a routine of rewarding activities',
          'Cognitive restructuring of hopeless and self-critical thoughts',
          'Scheduled worry time and relaxation skills',
          'Sleep: fixed wake time, wind-down routine',
        ),
      ],
      homework: [
        { task: 'Activity diary: one pleasant activity a day', due: '', done: false },
        { task: 'Thought record twice a week', due: '', done: false },
      ],
    },
    monitoring: {
      labs: [],
      sideEffectChecks: [
        {
          name: 'PHQ-9 (depression)',
          frequency: 'every two weeks',
          nextDue: addWeeks(start, 2),
          note: '',
        },
        {
          name: 'GAD-7 (anxiety)',
          frequency: 'every two weeks',
          nextDue: addWeeks(start, 2),
          note: '',
        },
        {
          name: 'Side effects: nausea, sleep, sexual side effects',
          frequency: 'each visit',
          nextDue: '',
          note: '',
        },
        {
          name: 'Suicidal thoughts screen (C-SSRS)',
          frequency: 'each visit',
          nextDue: '',
          note: '',
        },
      ],
    },
    safety: {
      professionals: CRISIS_CONTACTS,
      environment: [{ text: 'Keep only a small supply of medicines at home' }],
    },
    education: {
      topics: [
        { topic: 'How antidepressants work and why they take weeks', covered: false },
        { topic: 'Common side effects and what to do about them', covered: false },
        { topic: 'Sleep habits that help', covered: false },
        { topic: 'What to do in a crisis', covered: false },
      ],
    },
  }),
};

const adhd: PlanTemplate = {
  id: 'adhd',
  label: 'ADHD',
  description:
    'A long-acting stimulant titrated weekly, with skills-focused CBT and heart-rate checks.',
  content: ({ start, prescriber = '', therapist = '' }) => ({
    overview: {
      symptoms: paragraphs(
        'Difficulty sustaining attention, disorganisation, missed deadlines and restlessness since childhood.',
      ),
      diagnoses: [
        {
          condition: 'Attention-deficit hyperactivity disorder, combined presentation',
          code: 'F90.2',
          status: 'confirmed',
        },
      ],
      phasing: 'medication-first',
      phasingNote: 'Find a working dose first; start skills therapy once focus improves.',
    },
    goals: [
      {
        title: 'Finish work tasks on time',
        status: 'in-progress',
        target: 'Fewer than 2 missed deadlines a month',
        dueDate: addWeeks(start, 12),
        patientWords: '',
      },
      {
        title: 'Keep a regular sleep schedule',
        status: 'not-started',
        target: 'In bed by 11 pm on 5 weeknights',
        dueDate: addWeeks(start, 8),
        patientWords: '',
      },
    ],
    medications: [
      {
        name: 'Methylphenidate ER',
        dose: 18,
        unit: 'mg',
        route: 'oral',
        frequency: 'every morning',
        startDate: start,
        titration: [
          { afterWeeks: 0, dose: 18, note: 'Start dose' },
          { afterWeeks: 1, dose: 27, note: 'If tolerated and symptoms persist' },
          { afterWeeks: 2, dose: 36, note: 'If tolerated and symptoms persist' },
        ],
        indication: 'ADHD',
        status: 'planned',
        prescriber,
        monitoring: 'Blood pressure and heart rate, appetite and weight, sleep',
        instructions: 'Take in the morning; swallow whole.',
      },
    ],
    therapy: {
      modality: 'CBT',
      frequency: 'every two weeks',
      therapist,
      sessionLength: 50,
      focus: [
        bullets(
          'Planning and organisation: one calendar, one task list',
          'Breaking tasks down and starting them',
          'Managing distractions',
        ),
      ],
      homework: [{ task: 'Use one planner daily for two weeks', due: '', done: false }],
    },
    monitoring: {
      labs: [],
      sideEffectChecks: [
        { name: 'Blood pressure and heart rate', frequency: 'each visit', nextDue: '', note: '' },
        {
          name: 'Appetite and weight',
          frequency: 'monthly',
          nextDue: addWeeks(start, 4),
          note: '',
        },
        { name: 'ASRS symptom scale', frequency: 'monthly', nextDue: addWeeks(start, 4), note: '' },
      ],
    },
    safety: { professionals: CRISIS_CONTACTS },
    education: {
      topics: [
        { topic: 'How stimulants work and how long a dose lasts', covered: false },
        { topic: 'Storing stimulants safely', covered: false },
      ],
    },
  }),
};

const bipolar: PlanTemplate = {
  id: 'bipolar',
  label: 'Bipolar disorder',
  description:
    'Lithium with level and kidney/thyroid monitoring, family-focused therapy and a relapse plan.',
  content: ({ start, prescriber = '', therapist = '' }) => ({
    overview: {
      diagnoses: [{ condition: 'Bipolar I disorder', code: 'F31.9', status: 'confirmed' }],
      phasing: 'medication-first',
      phasingNote:
        'Stabilise mood with lithium first; family-focused therapy starts once mood is steady.',
    },
    goals: [
      {
        title: 'Keep mood steady',
        status: 'in-progress',
        target: 'No hospital stays; mood chart kept 6 days a week',
        dueDate: addWeeks(start, 26),
        patientWords: '',
      },
      {
        title: 'Regular sleep and daily routine',
        status: 'not-started',
        target: '7–9 hours of sleep with the same bedtime most nights',
        dueDate: addWeeks(start, 8),
        patientWords: '',
      },
    ],
    medications: [
      {
        name: 'Lithium carbonate',
        dose: 300,
        unit: 'mg',
        route: 'oral',
        frequency: 'twice daily',
        startDate: start,
        titration: [
          { afterWeeks: 0, dose: 300, note: 'Check level after 5 days' },
          { afterWeeks: 1, dose: 450, note: 'Adjust to a level of 0.6–1.0 mmol/L' },
        ],
        indication: 'Bipolar disorder (mood stabiliser)',
        status: 'planned',
        prescriber,
        monitoring: 'Lithium level, kidney function, thyroid, calcium; signs of toxicity',
        instructions: 'Take with food and drink plenty of water. Keep salt intake steady.',
      },
    ],
    therapy: {
      modality: 'family',
      frequency: 'every two weeks',
      therapist,
      sessionLength: 60,
      focus: [
        bullets(
          'Learning about bipolar disorder together',
          'Early warning signs and a relapse plan',
          'Communication and problem-solving at home',
        ),
      ],
      homework: [{ task: 'Daily mood and sleep chart', due: '', done: false }],
    },
    monitoring: {
      labs: [
        {
          name: 'Lithium level (12 h after the last dose)',
          frequency: '5 days after each dose change, then every 3 months',
          nextDue: addWeeks(start, 1),
          note: '',
        },
        {
          name: 'Kidney function (creatinine, eGFR)',
          frequency: 'every 6 months',
          nextDue: '',
          note: '',
        },
        { name: 'Thyroid (TSH)', frequency: 'every 6 months', nextDue: '', note: '' },
        { name: 'Calcium', frequency: 'yearly', nextDue: '', note: '' },
      ],
      sideEffectChecks: [
        {
          name: 'Tremor, thirst, nausea, confusion (toxicity)',
          frequency: 'each visit',
          nextDue: '',
          note: '',
        },
      ],
    },
    safety: {
      warningSigns: [
        { text: 'Sleeping less but not feeling tired' },
        { text: 'Racing thoughts, spending more than usual' },
      ],
      professionals: CRISIS_CONTACTS,
    },
    education: {
      topics: [
        { topic: 'Lithium: levels, toxicity signs, fluids and salt', covered: false },
        { topic: 'Early warning signs of mania and depression', covered: false },
      ],
    },
  }),
};

export const PLAN_TEMPLATES: Record<PlanTemplateId, PlanTemplate> = {
  blank,
  'depression-anxiety': depressionAnxiety,
  adhd,
  bipolar,
};

/** Fills a new plan's documents from a template. */
export function applyTemplate(id: PlanTemplateId, docs: PlanDocs, opts: TemplateOptions): void {
  fillPlanDocs(docs, PLAN_TEMPLATES[id].content(opts));
}
