import { describe, expect, it } from 'vitest';
import { checkInteractions, classesOf } from './check.ts';
import { DRUG_CLASSES } from './drugs.ts';
import { INTERACTION_RULES } from './rules.ts';

const med = (id: string, name: string, status = 'active') => ({ id, name, status });

describe('classesOf', () => {
  it('matches generic and brand names on the first word, case-insensitively', () => {
    expect(classesOf('Sertraline 50 mg')).toEqual(['ssri']);
    expect(classesOf('NARDIL')).toEqual(['maoi']);
    expect(classesOf('Fluvoxamine')).toEqual(expect.arrayContaining(['ssri', 'fluvoxamine']));
    expect(classesOf("St. John's Wort")).toEqual(['otherSerotonergic']);
    expect(classesOf('unknownium')).toEqual([]);
  });

  it('reads a typographic apostrophe in “St John’s wort” as a plain one', () => {
    expect(classesOf('St John’s wort 300 mg')).toEqual(['otherSerotonergic']);
    expect(classesOf('St. John‘s Wort')).toEqual(['otherSerotonergic']);
    expect(classesOf('St John’s-wort')).toEqual(['otherSerotonergic']);
    const ids = checkInteractions([med('a', 'St John’s wort'), med('b', 'sertraline')]).map(
      (w) => w.rule.id,
    );
    expect(ids).toEqual(['ssri-other-serotonergic']);
  });

  it('knows the sedative-hypnotics, gabapentinoids and loop diuretics the rules name', () => {
    expect(classesOf('Zolpidem 5 mg')).toEqual(['sedativeHypnotic']);
    expect(classesOf('Lyrica')).toEqual(['gabapentinoid']);
    expect(classesOf('Furosemide 40 mg')).toEqual(['lithiumRaiser']);
  });
});

describe('checkInteractions', () => {
  it('flags an MAOI with an SSRI as contraindicated, citing its source', () => {
    const [w, ...rest] = checkInteractions([med('a', 'phenelzine 15 mg'), med('b', 'sertraline')]);
    expect(rest).toEqual([]);
    expect(w!.rule.id).toBe('maoi-ssri');
    expect(w!.rule.severity).toBe('contraindicated');
    expect(w!.rule.source).toMatch(/N Engl J Med/);
    expect(w!.key).toBe('maoi-ssri:a:b');
  });

  it.each([
    ['tranylcypromine', 'venlafaxine', 'maoi-snri'],
    ['phenelzine', 'amitriptyline', 'maoi-tca'],
    ['selegiline', 'lisdexamfetamine', 'maoi-stimulant'],
    ['phenelzine', 'sumatriptan', 'maoi-triptan'],
    ['isocarboxazid', 'meperidine', 'maoi-opioid'],
    ['fluoxetine', 'tramadol', 'serotonergic-opioid'],
    ['citalopram', 'ondansetron', 'qt-combination'],
    ['fluvoxamine', 'clozapine', 'fluvoxamine-cyp1a2'],
    ['lithium', 'ibuprofen', 'lithium-raisers'],
    ['divalproex', 'lamotrigine', 'valproate-lamotrigine'],
    ['clozapine', 'carbamazepine', 'clozapine-marrow'],
    ['lorazepam', 'oxycodone', 'benzodiazepine-opioid'],
    ['duloxetine', 'sumatriptan', 'snri-triptan'],
    ['venlafaxine', 'rizatriptan', 'snri-triptan'],
    ['venlafaxine', 'trazodone', 'snri-other-serotonergic'],
    ['venlafaxine', 'lithium', 'snri-other-serotonergic'],
    ['phenelzine', 'trazodone', 'maoi-other-serotonergic'],
    ['tranylcypromine', 'bupropion', 'maoi-other-serotonergic'],
    ['phenelzine', 'mirtazapine', 'maoi-other-serotonergic'],
    ['isocarboxazid', 'buspirone', 'maoi-other-serotonergic'],
    ['selegiline', 'St John’s wort', 'maoi-other-serotonergic'],
    ['selegiline', 'phenelzine', 'maoi-maoi'],
    ['fluoxetine', 'amitriptyline', 'ssri-tca'],
    ['paroxetine', 'clomipramine', 'ssri-tca'],
    ['duloxetine', 'nortriptyline', 'snri-tca'],
    ['amitriptyline', 'tramadol', 'tca-serotonergic-opioid'],
    ['trazodone', 'tramadol', 'other-serotonergic-opioid'],
    ['bupropion', 'tramadol', 'other-serotonergic-opioid'],
    ['sertraline', 'fluoxetine', 'ssri-ssri'],
    ['zolpidem', 'oxycodone', 'sedative-hypnotic-opioid'],
    ['gabapentin', 'oxycodone', 'gabapentinoid-opioid'],
    ['pregabalin', 'hydrocodone', 'gabapentinoid-opioid'],
    ['lithium', 'furosemide', 'lithium-raisers'],
  ])('%s with %s triggers %s', (a, b, rule) => {
    const ids = checkInteractions([med('1', a), med('2', b)]).map((w) => w.rule.id);
    expect(ids).toContain(rule);
  });

  it('marks every pair with an MAOI contraindicated, and each new pair once', () => {
    for (const other of ['trazodone', 'bupropion', 'mirtazapine', 'buspirone', 'selegiline']) {
      const warnings = checkInteractions([med('1', 'phenelzine'), med('2', other)]);
      expect(
        warnings.map((w) => w.rule.severity),
        other,
      ).toEqual(['contraindicated']);
    }
    expect(
      checkInteractions([med('1', 'sertraline'), med('2', 'fluoxetine')]).map((w) => w.rule.id),
    ).toEqual(['ssri-ssri']);
    expect(
      checkInteractions([med('1', 'duloxetine'), med('2', 'sumatriptan')]).map((w) => w.rule.id),
    ).toEqual(['snri-triptan']);
  });

  it('ignores stopped medications and the same drug listed twice', () => {
    expect(checkInteractions([med('a', 'phenelzine', 'stopped'), med('b', 'sertraline')])).toEqual(
      [],
    );
    expect(checkInteractions([med('a', 'citalopram 20 mg'), med('b', 'citalopram 10 mg')])).toEqual(
      [],
    );
  });

  it('finds nothing for a common safe combination', () => {
    expect(checkInteractions([med('a', 'sertraline'), med('b', 'melatonin')])).toEqual([]);
  });
});

describe('the shipped data', () => {
  it('cites a source for every rule and only uses known classes', () => {
    const ids = new Set<string>();
    for (const r of INTERACTION_RULES) {
      expect(r.source.length, r.id).toBeGreaterThan(20);
      expect(ids.has(r.id), `duplicate ${r.id}`).toBe(false);
      ids.add(r.id);
      for (const c of r.between) expect(DRUG_CLASSES).toHaveProperty(c);
    }
  });
});
