/**
 * Comparisons the diffs share. Text is compared as people read it: "Café"
 * typed on a Mac (NFD) and on a phone (NFC) is the same word, and so is a
 * trailing space.
 */
export function normalText(value: unknown): string {
  return typeof value === 'string' ? value.normalize('NFC').trim() : '';
}

export function sameText(a: unknown, b: unknown): boolean {
  return normalText(a) === normalText(b);
}

/** Entries by id; an entry without one is keyed by its position. */
export function byId<T extends object>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item, i) => [String((item as { id?: unknown }).id ?? i), item]));
}

/** Entries of a list in a snapshot section, or none when the section or list is missing. */
export function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/**
 * Deep equality that ignores key order: a stored version is canonical JSON
 * (sorted keys) while the live plan keeps the document's insertion order.
 */
export function sameContent(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sorted(o[k])]),
    );
  }
  if (typeof value === 'string') return value.normalize('NFC');
  return value;
}
