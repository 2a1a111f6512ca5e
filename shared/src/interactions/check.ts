import { DRUG_CLASSES, type DrugClass } from './drugs.ts';
import { INTERACTION_RULES, type InteractionRule } from './rules.ts';

export type MedicationForCheck = { id: string; name: string; status?: string };

export type InteractionWarning = {
  /** Stable across re-checks: rule id plus the two medication ids, sorted. */
  key: string;
  rule: InteractionRule;
  medications: [MedicationForCheck, MedicationForCheck];
};

/** Medication statuses that take part in interaction checks. */
const CHECKED_STATUSES = new Set(['active', 'planned', 'proposed', 'titrating', undefined, '']);

/** The drug classes of a medication name ("Sertraline 50 mg" → ssri). */
export function classesOf(name: string): DrugClass[] {
  const normalized = name
    .toLowerCase()
    // Phones and word processors type “St John’s wort” with a typographic apostrophe.
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/st\.?[\s-]*john'?s[\s-]*wort/, 'st-johns-wort')
    .replace(/methylene blue/, 'methylene-blue');
  const word = normalized.match(/[a-z-]+/)?.[0] ?? '';
  return (Object.keys(DRUG_CLASSES) as DrugClass[]).filter((c) =>
    (DRUG_CLASSES[c].drugs as readonly string[]).includes(word),
  );
}

/** Every rule that a pair of current medications triggers, each pair once per rule. */
export function checkInteractions(meds: readonly MedicationForCheck[]): InteractionWarning[] {
  const current = meds
    .filter((m) => CHECKED_STATUSES.has(m.status))
    .map((m) => ({ med: m, classes: new Set(classesOf(m.name)) }));
  const warnings: InteractionWarning[] = [];
  for (let i = 0; i < current.length; i++) {
    for (let j = i + 1; j < current.length; j++) {
      const a = current[i]!;
      const b = current[j]!;
      if (sameDrug(a.med.name, b.med.name)) continue;
      for (const rule of INTERACTION_RULES) {
        const [x, y] = rule.between;
        if ((a.classes.has(x) && b.classes.has(y)) || (a.classes.has(y) && b.classes.has(x))) {
          const ids = [a.med.id, b.med.id].sort();
          warnings.push({ key: `${rule.id}:${ids.join(':')}`, rule, medications: [a.med, b.med] });
        }
      }
    }
  }
  return warnings;
}

function sameDrug(a: string, b: string): boolean {
  const first = (s: string) => s.toLowerCase().match(/[a-z-]+/)?.[0] ?? '';
  return first(a) === first(b);
}
