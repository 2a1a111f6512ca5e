import type { DrugClass } from './drugs.ts';

export type InteractionSeverity = 'contraindicated' | 'major';

export type InteractionRule = {
  id: string;
  between: readonly [DrugClass, DrugClass];
  severity: InteractionSeverity;
  summary: string;
  advice: string;
  source: string;
};

/**
 * High-priority interaction classes in psychiatric prescribing. Each rule cites
 * where it comes from; this list supports, and does not replace, a full
 * interaction check by the prescriber and pharmacist.
 */
export const INTERACTION_RULES: readonly InteractionRule[] = [
  {
    id: 'maoi-ssri',
    between: ['maoi', 'ssri'],
    severity: 'contraindicated',
    summary: 'Risk of serotonin syndrome',
    advice: 'Do not combine; allow a washout (5 weeks after fluoxetine, 2 weeks after an MAOI).',
    source:
      'Boyer EW, Shannon M. The serotonin syndrome. N Engl J Med 2005;352:1112-20; FDA labeling for sertraline (Zoloft) and phenelzine (Nardil), Contraindications.',
  },
  {
    id: 'maoi-snri',
    between: ['maoi', 'snri'],
    severity: 'contraindicated',
    summary: 'Risk of serotonin syndrome',
    advice:
      'Do not combine; allow at least 14 days after stopping an MAOI (7 days after venlafaxine).',
    source:
      'FDA labeling for venlafaxine (Effexor XR) and duloxetine (Cymbalta), Contraindications.',
  },
  {
    id: 'maoi-tca',
    between: ['maoi', 'tca'],
    severity: 'contraindicated',
    summary: 'Risk of serotonin syndrome and hypertensive reactions',
    advice: 'Avoid; clomipramine and imipramine carry the highest risk.',
    source:
      'FDA labeling for clomipramine (Anafranil), Contraindications; Boyer & Shannon, NEJM 2005.',
  },
  {
    id: 'maoi-stimulant',
    between: ['maoi', 'stimulant'],
    severity: 'contraindicated',
    summary: 'Risk of hypertensive crisis',
    advice: 'Do not give stimulants during or within 14 days of an MAOI.',
    source:
      'FDA labeling for amphetamine (Adderall) and methylphenidate (Ritalin), Contraindications.',
  },
  {
    id: 'maoi-triptan',
    between: ['maoi', 'triptan'],
    severity: 'contraindicated',
    summary: 'Raised triptan levels and serotonin toxicity',
    advice: 'Avoid MAO-A inhibitors with sumatriptan, rizatriptan or zolmitriptan.',
    source: 'FDA labeling for sumatriptan (Imitrex), Contraindications.',
  },
  {
    id: 'maoi-opioid',
    between: ['maoi', 'serotonergicOpioid'],
    severity: 'contraindicated',
    summary: 'Risk of serotonin syndrome (meperidine, tramadol, methadone, fentanyl)',
    advice: 'Avoid; choose a non-serotonergic analgesic.',
    source: 'FDA Drug Safety Communication, 22 March 2016: opioids and serotonin syndrome.',
  },
  {
    id: 'serotonergic-opioid',
    between: ['ssri', 'serotonergicOpioid'],
    severity: 'major',
    summary: 'Serotonin syndrome with serotonergic opioids',
    advice: 'Monitor for agitation, tremor, hyperthermia; consider another analgesic.',
    source: 'FDA Drug Safety Communication, 22 March 2016: opioids and serotonin syndrome.',
  },
  {
    id: 'snri-serotonergic-opioid',
    between: ['snri', 'serotonergicOpioid'],
    severity: 'major',
    summary: 'Serotonin syndrome with serotonergic opioids',
    advice: 'Monitor for serotonin toxicity; consider another analgesic.',
    source: 'FDA Drug Safety Communication, 22 March 2016: opioids and serotonin syndrome.',
  },
  {
    id: 'ssri-triptan',
    between: ['ssri', 'triptan'],
    severity: 'major',
    summary: 'Possible serotonin syndrome',
    advice: 'Usually co-prescribed safely; counsel the patient on symptoms.',
    source: 'FDA Public Health Advisory, 19 July 2006: triptans with SSRIs/SNRIs.',
  },
  {
    id: 'ssri-snri',
    between: ['ssri', 'snri'],
    severity: 'major',
    summary: 'Two serotonergic antidepressants: additive serotonin toxicity',
    advice: 'Cross-taper deliberately and monitor; avoid long overlap.',
    source: 'Boyer EW, Shannon M. N Engl J Med 2005;352:1112-20.',
  },
  {
    id: 'ssri-other-serotonergic',
    between: ['ssri', 'otherSerotonergic'],
    severity: 'major',
    summary: 'Additive serotonergic effect',
    advice: 'Monitor for serotonin toxicity, especially when starting or raising doses.',
    source: 'Boyer EW, Shannon M. N Engl J Med 2005;352:1112-20.',
  },
  {
    id: 'qt-combination',
    between: ['qtProlonging', 'qtProlonging'],
    severity: 'major',
    summary: 'Two QT-prolonging drugs: risk of torsades de pointes',
    advice: 'Check a baseline ECG and electrolytes; avoid citalopram above 40 mg/day.',
    source:
      'FDA Drug Safety Communication, 24 August 2011 (citalopram); CredibleMeds QTdrugs list (crediblemeds.org).',
  },
  {
    id: 'fluvoxamine-cyp1a2',
    between: ['fluvoxamine', 'cyp1a2Substrate'],
    severity: 'major',
    summary: 'Fluvoxamine strongly inhibits CYP1A2 and raises these drug levels several-fold',
    advice:
      'Tizanidine and ramelteon are contraindicated; lower clozapine/olanzapine doses and monitor levels.',
    source: 'FDA labeling for fluvoxamine (Luvox), Drug Interactions and Contraindications.',
  },
  {
    id: 'lithium-raisers',
    between: ['lithium', 'lithiumRaiser'],
    severity: 'major',
    summary: 'NSAIDs, ACE inhibitors, ARBs and thiazides raise lithium levels',
    advice: 'Check a lithium level within 5 days of starting or changing the other drug.',
    source: 'FDA labeling for lithium carbonate, Drug Interactions.',
  },
  {
    id: 'valproate-lamotrigine',
    between: ['valproate', 'lamotrigine'],
    severity: 'major',
    summary: 'Valproate doubles lamotrigine levels: risk of serious rash (SJS/TEN)',
    advice: 'Use the valproate titration schedule for lamotrigine (half the usual dose).',
    source: 'FDA labeling for lamotrigine (Lamictal), Boxed Warning and Dosage.',
  },
  {
    id: 'clozapine-marrow',
    between: ['clozapine', 'marrowSuppressant'],
    severity: 'contraindicated',
    summary: 'Additive risk of agranulocytosis',
    advice: 'Avoid carbamazepine with clozapine.',
    source: 'FDA labeling for clozapine (Clozaril), Drug Interactions.',
  },
  {
    id: 'benzodiazepine-opioid',
    between: ['benzodiazepine', 'opioid'],
    severity: 'major',
    summary: 'Profound sedation, respiratory depression, death',
    advice: 'Avoid together where possible; if needed, use the lowest doses and shortest time.',
    source:
      'FDA Drug Safety Communication, 31 August 2016: boxed warning on opioids with benzodiazepines.',
  },
];
