import * as Y from 'yjs';
import { z } from 'zod';
import type { PlanDocKind } from '../permissions.ts';
import {
  DiagnosisEntry,
  EducationTopicEntry,
  GoalEntry,
  HomeworkEntry,
  MedicationEntry,
  MonitoringEntry,
  SafetyEntry,
  type EntryFields,
} from './entries.ts';
import { newEntryId } from './ids.ts';
import { PHASING_APPROACHES, THERAPY_MODALITIES } from './vocabulary.ts';

/**
 * How a plan's content sits in its three Yjs documents (see PLAN_DOC_SECTIONS).
 *
 * Top-level types: `goals` and `medications` are `Y.Array<Y.Map>`; `therapy`,
 * `monitoring`, `safety`, `education` and `overview` (evaluation summary,
 * diagnoses and the phasing of medication and therapy — shared with the care
 * team like the goals) are `Y.Map`s; `privateNotes` is a `Y.XmlFragment`.
 * Inside the maps, lists are `Y.Array<Y.Map>` and long text is a
 * `Y.XmlFragment` co-edited through y-prosemirror.
 */
export const PLAN_DOC_LAYOUT = {
  care: ['overview', 'goals', 'therapy', 'monitoring', 'safety', 'education'],
  medications: ['medications'],
  private: ['privateNotes'],
} as const satisfies Record<PlanDocKind, readonly string[]>;

export type MapSection = 'overview' | 'therapy' | 'monitoring' | 'safety' | 'education';

/** Rich-text fields of each map section. */
export const RICH_FIELDS = {
  overview: ['symptoms', 'history', 'lifestyle', 'patientGoals'],
  therapy: ['focus'],
  monitoring: ['notes'],
  safety: [],
  education: ['notes'],
} as const satisfies Record<MapSection, readonly string[]>;
export type RichField<S extends MapSection> = (typeof RICH_FIELDS)[S][number];

const text = z.string().catch('');

/** Single-value fields of the map sections. */
export const SECTION_FIELDS = {
  overview: z.object({
    phasing: z.enum(PHASING_APPROACHES).catch('together'),
    phasingNote: text,
  }),
  therapy: z.object({
    modality: z.enum([...THERAPY_MODALITIES, '']).catch(''),
    frequency: text,
    therapist: text,
    /** Minutes per session. */
    sessionLength: z.number().finite().nullable().catch(null),
  }),
  monitoring: z.object({}),
  safety: z.object({}),
  education: z.object({}),
} as const satisfies Record<MapSection, z.ZodObject>;
export type SectionFields<S extends MapSection> = z.infer<(typeof SECTION_FIELDS)[S]>;
/** Free-text single-value fields, stored as Y.Text like those of list entries (PROSE). */
const SECTION_PROSE: { [S in MapSection]: readonly (keyof SectionFields<S> & string)[] } = {
  overview: ['phasingNote'],
  therapy: ['therapist'],
  monitoring: [],
  safety: [],
  education: [],
};

/** Every list in a plan: where it lives and what its entries look like. */
export const PLAN_LISTS = {
  goals: { kind: 'care', section: 'goals', key: null, entry: GoalEntry },
  medications: { kind: 'medications', section: 'medications', key: null, entry: MedicationEntry },
  diagnoses: { kind: 'care', section: 'overview', key: 'diagnoses', entry: DiagnosisEntry },
  homework: { kind: 'care', section: 'therapy', key: 'homework', entry: HomeworkEntry },
  labs: { kind: 'care', section: 'monitoring', key: 'labs', entry: MonitoringEntry },
  sideEffectChecks: {
    kind: 'care',
    section: 'monitoring',
    key: 'sideEffectChecks',
    entry: MonitoringEntry,
  },
  educationTopics: {
    kind: 'care',
    section: 'education',
    key: 'topics',
    entry: EducationTopicEntry,
  },
  warningSigns: { kind: 'care', section: 'safety', key: 'warningSigns', entry: SafetyEntry },
  copingStrategies: {
    kind: 'care',
    section: 'safety',
    key: 'copingStrategies',
    entry: SafetyEntry,
  },
  peopleAndPlaces: { kind: 'care', section: 'safety', key: 'peopleAndPlaces', entry: SafetyEntry },
  supportContacts: { kind: 'care', section: 'safety', key: 'supportContacts', entry: SafetyEntry },
  professionals: { kind: 'care', section: 'safety', key: 'professionals', entry: SafetyEntry },
  environment: { kind: 'care', section: 'safety', key: 'environment', entry: SafetyEntry },
} as const satisfies Record<
  string,
  { kind: PlanDocKind; section: string; key: string | null; entry: z.ZodObject }
>;
export type PlanListName = keyof typeof PLAN_LISTS;
export type ListEntry<N extends PlanListName> = z.infer<(typeof PLAN_LISTS)[N]['entry']>;

const SAFETY_PROSE = ['text'] as const;
/**
 * Free-text fields of list entries, stored as Y.Text: two people typing in
 * the same goal title at once both keep their words. The other fields
 * (choices, dates, codes, numbers) hold one value, and the last change wins.
 */
const PROSE: { [N in PlanListName]: readonly (keyof ListEntry<N> & string)[] } = {
  goals: ['title', 'target', 'patientWords'],
  medications: ['name', 'indication', 'monitoring', 'instructions'],
  diagnoses: ['condition', 'note'],
  homework: ['task'],
  labs: ['name', 'note'],
  sideEffectChecks: ['name', 'note'],
  educationTopics: ['topic'],
  warningSigns: SAFETY_PROSE,
  copingStrategies: SAFETY_PROSE,
  peopleAndPlaces: SAFETY_PROSE,
  supportContacts: SAFETY_PROSE,
  professionals: SAFETY_PROSE,
  environment: SAFETY_PROSE,
};

/** Nested lists inside a map section, by section. */
function nestedLists(section: MapSection): string[] {
  return Object.values(PLAN_LISTS)
    .filter((l) => l.section === section && l.key !== null)
    .map((l) => l.key as string);
}

/**
 * Creates the nested types a document of this kind needs, where missing.
 * Run it once when a plan is created (templates do), and on a client with
 * write access after the first sync: two clients creating the same nested
 * type concurrently would race, so never before the stored state has arrived.
 */
export function ensurePlanStructure(doc: Y.Doc, kind: PlanDocKind): void {
  doc.transact(() => {
    if (kind === 'private') {
      doc.getXmlFragment('privateNotes');
      return;
    }
    if (kind === 'medications') {
      doc.getArray('medications');
      return;
    }
    doc.getArray('goals');
    for (const section of Object.keys(RICH_FIELDS) as MapSection[]) {
      const map = doc.getMap<unknown>(section);
      for (const field of RICH_FIELDS[section] as readonly string[]) {
        if (!(map.get(field) instanceof Y.XmlFragment)) map.set(field, new Y.XmlFragment());
      }
      for (const key of nestedLists(section)) {
        if (!(map.get(key) instanceof Y.Array)) map.set(key, new Y.Array());
      }
    }
  });
}

export function sectionMap(doc: Y.Doc, section: MapSection): Y.Map<unknown> {
  return doc.getMap<unknown>(section);
}

/** The single-value fields of a map section, with defaults for anything missing. */
export function readSectionFields<S extends MapSection>(doc: Y.Doc, section: S): SectionFields<S> {
  return SECTION_FIELDS[section].parse(plainValues(sectionMap(doc, section))) as SectionFields<S>;
}

/** Sets single-value fields; unchanged values are not written (no empty updates). */
export function writeSectionFields<S extends MapSection>(
  doc: Y.Doc,
  section: S,
  patch: Partial<SectionFields<S>>,
): void {
  const map = sectionMap(doc, section);
  doc.transact(() => {
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) setField(map, key, value, SECTION_PROSE[section]);
    }
  });
}

/** A rich-text field, or null before the plan's structure exists. */
export function richField<S extends MapSection>(
  doc: Y.Doc,
  section: S,
  field: RichField<S>,
): Y.XmlFragment | null {
  const value = sectionMap(doc, section).get(field);
  return value instanceof Y.XmlFragment ? value : null;
}

export function privateNotes(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment('privateNotes');
}

function plainValues(map: Y.Map<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of map.entries()) {
    if (value instanceof Y.Text && !(value instanceof Y.XmlText)) out[key] = value.toString();
    else if (!(value instanceof Y.AbstractType)) out[key] = value;
  }
  return out;
}

/** The Y.Array behind a list, or null when the plan's structure does not have it yet. */
export function listArray(doc: Y.Doc, name: PlanListName): Y.Array<Y.Map<unknown>> | null {
  const spec = PLAN_LISTS[name];
  if (spec.key === null) return doc.getArray<Y.Map<unknown>>(spec.section);
  const value = doc.getMap<unknown>(spec.section).get(spec.key);
  return value instanceof Y.Array ? (value as Y.Array<Y.Map<unknown>>) : null;
}

/**
 * A list's entries as plain objects, in order; entries without an id are
 * skipped, and an id seen twice (two people moving one entry at once, before
 * moves kept their place in `position`) is shown once.
 */
export function readList<N extends PlanListName>(doc: Y.Doc, name: N): ListEntry<N>[] {
  const array = listArray(doc, name);
  if (!array) return [];
  const schema = PLAN_LISTS[name].entry as unknown as z.ZodType<ListEntry<N>>;
  const out: ListEntry<N>[] = [];
  const seen = new Set<string>();
  for (const { map } of inOrder(array)) {
    const entry = schema.parse(map.toJSON());
    const id = (entry as { id: string }).id;
    if (id && !seen.has(id)) {
      seen.add(id);
      out.push(entry);
    }
  }
  return out;
}

/**
 * Entries are shown in the order of their `position` (a number; ties and
 * entries written without one fall back to their place in the array). A move
 * changes one entry's position and nothing else, so two people moving the
 * same entry at once leave it in one place (the later move wins), and an edit
 * made to an entry while someone moves it is kept.
 */
const POSITION = 'position';

type Placed = { map: Y.Map<unknown>; index: number; position: number | undefined };

function inOrder(array: Y.Array<Y.Map<unknown>>): Placed[] {
  const placed: Placed[] = [];
  array.forEach((map, index) => {
    if (!(map instanceof Y.Map)) return;
    const p = map.get(POSITION);
    placed.push({
      map,
      index,
      position: typeof p === 'number' && Number.isFinite(p) ? p : undefined,
    });
  });
  const key = (e: Placed) => e.position ?? e.index;
  return placed.sort((a, b) => key(a) - key(b) || a.index - b.index);
}

/**
 * Gives every entry a position from its current place, when any lacks one
 * or two neighbours are too close to fit another between them. Runs inside
 * the transaction of the change that needs it.
 */
function renumber(placed: Placed[]): void {
  placed.forEach((e, i) => {
    if (e.position !== i) e.map.set(POSITION, i);
    e.position = i;
  });
}

/** A position for an entry to go at `at` among `others` (in order, without it). */
function positionAt(others: Placed[], at: number): number {
  if (others.some((e) => e.position === undefined)) renumber(others);
  const before = others[at - 1]?.position;
  const after = others[at]?.position;
  if (before === undefined) return after === undefined ? 0 : after - 1;
  if (after === undefined) return before + 1;
  if (after - before > 1e-9) return before + (after - before) / 2;
  renumber(others);
  return at - 0.5;
}

/** Converts a field value to what is stored: lists of objects become Y.Array<Y.Map>. */
function toStored(value: unknown): unknown {
  if (Array.isArray(value)) {
    const arr = new Y.Array<unknown>();
    arr.insert(
      0,
      value.map((v) => (v && typeof v === 'object' ? entryMap(v as object) : v)),
    );
    return arr;
  }
  return value;
}

function entryMap(fields: object, prose: readonly string[] = []): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  const id = (fields as { id?: unknown }).id;
  map.set('id', typeof id === 'string' && id ? id : newEntryId());
  // A new map has nothing to compare with (and Yjs warns when one is read before it is in a document).
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === 'id') continue;
    map.set(
      key,
      typeof value === 'string' && prose.includes(key) ? new Y.Text(value) : toStored(value),
    );
  }
  return map;
}

/** Writes the given fields of an entry (never its id); see setField. */
function setFields(map: Y.Map<unknown>, fields: object, prose: readonly string[]): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && key !== 'id') setField(map, key, value, prose);
  }
}

/**
 * Writes one field, unless it already holds the value: free text (a key in
 * `prose`) into its Y.Text, a nested list by id, anything else as a single value.
 */
function setField(
  map: Y.Map<unknown>,
  key: string,
  value: unknown,
  prose: readonly string[],
): void {
  const current = map.get(key);
  if (current instanceof Y.Text && typeof value === 'string') retype(current, value);
  // A free-text field written before it was Y.Text becomes one at its first change.
  else if (typeof value === 'string' && prose.includes(key)) {
    if (current !== value) map.set(key, new Y.Text(value));
  } else if (Array.isArray(value)) {
    if (!(current instanceof Y.Array && reconcile(current, value))) map.set(key, toStored(value));
  } else if (current !== value) map.set(key, value);
}

/**
 * Brings a nested list of entries (a medication's titration steps) to `next`
 * by id, in place: entries keep their Y.Map and only changed fields are
 * written, so two people changing different steps at once both keep their
 * change. False (nothing written) when `next` is not entries in the list's
 * current order; the caller then replaces the list. Runs inside the caller's
 * transaction.
 */
function reconcile(array: Y.Array<unknown>, next: unknown[]): boolean {
  const wanted = next as Record<string, unknown>[];
  if (!wanted.every((v) => v !== null && typeof v === 'object')) return false;
  const ids = new Set(wanted.map((v) => v.id));
  const kept = array.toArray().filter((m) => m instanceof Y.Map && ids.has(m.get('id')));
  const keptIds = kept.map((m) => (m as Y.Map<unknown>).get('id'));
  const order = wanted.map((v) => v.id).filter((id) => keptIds.includes(id));
  if (order.some((id, i) => id !== keptIds[i])) return false;
  for (let i = array.length - 1; i >= 0; i--) if (!kept.includes(array.get(i))) array.delete(i, 1);
  wanted.forEach((fields, i) => {
    const map = kept.find((m) => (m as Y.Map<unknown>).get('id') === fields.id);
    if (map) setFields(map as Y.Map<unknown>, fields, []);
    else array.insert(i, [entryMap(fields)]);
  });
  return true;
}

/**
 * Makes `text` read `next` with one delete and one insert where they differ,
 * so that what someone else is typing elsewhere in it at the same time stays.
 */
function retype(text: Y.Text, next: string): void {
  const prev = text.toString();
  if (prev === next) return;
  let start = 0;
  while (start < prev.length && start < next.length && prev[start] === next[start]) start++;
  let end = 0;
  while (
    end < prev.length - start &&
    end < next.length - start &&
    prev[prev.length - 1 - end] === next[next.length - 1 - end]
  )
    end++;
  if (prev.length - start - end > 0) text.delete(start, prev.length - start - end);
  if (next.length - start - end > 0) text.insert(start, next.slice(start, next.length - end));
}

function mustHaveList(doc: Y.Doc, name: PlanListName): Y.Array<Y.Map<unknown>> {
  let array = listArray(doc, name);
  if (!array) {
    ensurePlanStructure(doc, PLAN_LISTS[name].kind);
    array = listArray(doc, name)!;
  }
  return array;
}

/**
 * The entries with this id, the one readList shows first: an id that is there
 * twice (see readList) is changed where people see it.
 */
function withId(array: Y.Array<Y.Map<unknown>>, id: string): Placed[] {
  return inOrder(array).filter((e) => e.map.get('id') === id);
}

/** Adds an entry (at the end, or at `index`) and returns its id. */
export function addEntry<N extends PlanListName>(
  doc: Y.Doc,
  name: N,
  fields: EntryFields<ListEntry<N>> & { id?: string },
  index?: number,
): string {
  const array = mustHaveList(doc, name);
  const map = entryMap(fields, PROSE[name]);
  doc.transact(() => {
    const others = inOrder(array);
    const at = index === undefined ? others.length : Math.max(0, Math.min(index, others.length));
    map.set(POSITION, positionAt(others, at));
    array.push([map]);
  });
  return map.get('id') as string;
}

/** Changes fields of one entry; unchanged values are not written. Returns false if the entry is gone. */
export function updateEntry<N extends PlanListName>(
  doc: Y.Doc,
  name: N,
  id: string,
  patch: EntryFields<ListEntry<N>>,
): boolean {
  const array = listArray(doc, name);
  const shown = array ? withId(array, id)[0] : undefined;
  if (!shown) return false;
  const map = shown.map;
  doc.transact(() => setFields(map, patch, PROSE[name]));
  return true;
}

export function removeEntry(doc: Y.Doc, name: PlanListName, id: string): boolean {
  const array = listArray(doc, name);
  const entries = array ? withId(array, id) : [];
  if (!array || entries.length === 0) return false;
  // Every copy goes, so that a hidden one cannot take its place.
  const indexes = entries.map((e) => e.index).sort((a, b) => b - a);
  doc.transact(() => {
    for (const i of indexes) array.delete(i, 1);
  });
  return true;
}

/** Moves an entry to place `to` (in the list as it is now), changing only its position. */
export function moveEntry(doc: Y.Doc, name: PlanListName, id: string, to: number): boolean {
  const array = listArray(doc, name);
  if (!array) return false;
  const placed = inOrder(array);
  const from = placed.findIndex((e) => e.map.get('id') === id);
  if (from < 0) return false;
  const target = Math.max(0, Math.min(to, placed.length - 1));
  if (target === from) return true;
  const [moving] = placed.splice(from, 1);
  doc.transact(() => moving!.map.set(POSITION, positionAt(placed, target)));
  return true;
}

/** Sets the titration steps of a medication (replacing them). */
export function setTitration(
  doc: Y.Doc,
  medicationId: string,
  steps: ListEntry<'medications'>['titration'],
): boolean {
  return updateEntry(doc, 'medications', medicationId, { titration: steps });
}
