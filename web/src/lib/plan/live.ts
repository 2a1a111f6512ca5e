import type * as Y from 'yjs';

/** Something that holds a Y.Doc and bumps `version` on every change (see LiveDoc). */
export type Versioned = { readonly doc: Y.Doc; readonly version: number };

/**
 * Reads a document inside $derived so the value follows every change:
 * `const goals = $derived(read(live, (d) => readList(d, 'goals')))`.
 */
export function read<T>(live: Versioned, reader: (doc: Y.Doc) => T): T {
  void live.version;
  return reader(live.doc);
}
