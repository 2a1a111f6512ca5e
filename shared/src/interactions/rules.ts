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
    id: 'maoi-other-serotonergic',
    between: ['maoi', 'otherSerotonergic'],
    severity: 'contraindicated',
    summary: 'Risk of serotonin syndrome; hypertensive reactions with bupropion and buspirone',
    advice:
      'Do not combine (trazodone, mirtazapine, buspirone, bupropion, St John’s wort, tryptophan); allow 14 days after stopping an MAOI.',
    source:
      'FDA labeling for phenelzine (Nardil), bupropion (Wellbutrin), mirtazapine (Remeron) and trazodone, Contraindications; Boyer & Shannon, NEJM 2005.',
  },
  {
    id: 'maoi-maoi',
    between: ['maoi', 'maoi'],
    severity: 'contraindicated',
    summary: 'Two MAO inhibitors: risk of hypertensive crisis and serotonin syndrome',
    advice: 'Do not combine; allow at least 14 days between one MAOI and the next.',
    source:
      'FDA labeling for phenelzine (Nardil) and tranylcypromine (Parnate), Contraindications.',
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
    id: 'snri-triptan',
    between: ['snri', 'triptan'],
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
    id: 'snri-other-serotonergic',
    between: ['snri', 'otherSerotonergic'],
    severity: 'major',
    summary: 'Additive serotonergic effect',
    advice: 'Monitor for serotonin toxicity, especially when starting or raising doses.',
    source: 'Boyer EW, Shannon M. N Engl J Med 2005;352:1112-20.',
  },
  {
    id: 'ssri-ssri',
    between: ['ssri', 'ssri'],
    severity: 'major',
    summary: 'Two SSRIs: duplicate therapy and additive serotonin toxicity',
    advice: 'Keep one SSRI; overlap two only during a planned cross-taper, and monitor.',
    source: 'Boyer EW, Shannon M. N Engl J Med 2005;352:1112-20.',
  },
  {
    id: 'ssri-tca',
    between: ['ssri', 'tca'],
    severity: 'major',
    summary:
      'Fluoxetine, paroxetine and other SSRIs raise tricyclic levels (CYP2D6) and add serotonergic effect',
    advice:
      'Start the tricyclic low, check a level and an ECG; monitor for serotonin toxicity and anticholinergic effects.',
    source:
      'FDA labeling for fluoxetine (Prozac) and paroxetine (Paxil), Drug Interactions: tricyclic antidepressants; Boyer & Shannon, NEJM 2005.',
  },
  {
    id: 'snri-tca',
    between: ['snri', 'tca'],
    severity: 'major',
    summary: 'Additive serotonergic effect; duloxetine raises tricyclic levels (CYP2D6)',
    advice: 'Start the tricyclic low and check a level; monitor for serotonin toxicity.',
    source:
      'FDA labeling for duloxetine (Cymbalta), Drug Interactions: drugs metabolized by CYP2D6; Boyer & Shannon, NEJM 2005.',
  },
  {
    id: 'tca-serotonergic-opioid',
    between: ['tca', 'serotonergicOpioid'],
    severity: 'major',
    summary:
      'Serotonin syndrome with serotonergic opioids; tramadol also lowers the seizure threshold',
    advice: 'Consider another analgesic; if combined, monitor for serotonin toxicity and seizures.',
    source:
      'FDA Drug Safety Communication, 22 March 2016: opioids and serotonin syndrome; FDA labeling for tramadol (Ultram), Warnings: seizure risk.',
  },
  {
    id: 'other-serotonergic-opioid',
    between: ['otherSerotonergic', 'serotonergicOpioid'],
    severity: 'major',
    summary: 'Serotonin syndrome with serotonergic opioids',
    advice:
      'Monitor for serotonin toxicity; consider another analgesic. Tramadol with bupropion also raises the risk of seizures.',
    source:
      'FDA Drug Safety Communication, 22 March 2016: opioids and serotonin syndrome; FDA labeling for tramadol (Ultram), Warnings: seizure risk.',
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
    summary: 'NSAIDs, ACE inhibitors, ARBs, thiazide and loop diuretics raise lithium levels',
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
  {
    id: 'sedative-hypnotic-opioid',
    between: ['sedativeHypnotic', 'opioid'],
    severity: 'major',
    summary: 'Profound sedation, respiratory depression, death',
    advice: 'Avoid together where possible; if needed, use the lowest doses and shortest time.',
    source:
      'FDA Drug Safety Communication, 31 August 2016: boxed warning on opioids with benzodiazepines and other CNS depressants.',
  },
  {
    id: 'gabapentinoid-opioid',
    between: ['gabapentinoid', 'opioid'],
    severity: 'major',
    summary: 'Gabapentin or pregabalin with an opioid: serious breathing difficulties',
    advice:
      'Start the gabapentinoid at the lowest dose and monitor for sedation and slowed breathing.',
    source:
      'FDA Drug Safety Communication, 19 December 2019: serious breathing difficulties with gabapentin and pregabalin.',
  },
];
