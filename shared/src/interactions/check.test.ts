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
  ])('%s with %s triggers %s', (a, b, rule) => {
    const ids = checkInteractions([med('1', a), med('2', b)]).map((w) => w.rule.id);
    expect(ids).toContain(rule);
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
