import * as Y from 'yjs';

/**
 * The top-level types (plan sections) a transaction changed, for attribution:
 * nested changes (a dose inside a medication map) count for their root.
 */
export function touchedSections(doc: Y.Doc, tr: Y.Transaction): string[] {
  if (tr.changed.size === 0) return [];
  const names = new Map<unknown, string>();
  for (const [name, type] of doc.share) names.set(type, name);
  const out = new Set<string>();
  for (const type of tr.changed.keys()) {
    let t: { _item: Y.Item | null } = type;
    while (t._item && t._item.parent instanceof Y.AbstractType) t = t._item.parent;
    const name = names.get(t);
    if (name !== undefined) out.add(name);
  }
  return [...out].sort();
}
