/** Someone who can be @mentioned in a comment. */
export type Mentionable = { id: string; name: string; role: string };

/** The "@partial" being typed just before the caret, if any: what the picker filters by. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

export function matching(people: readonly Mentionable[], query: string): Mentionable[] {
  const q = query.toLowerCase();
  return people.filter((p) =>
    p.name
      .toLowerCase()
      .replace(/^(dr|mx|ms|mr)\.?\s+/, '')
      .split(/[\s,.]+/)
      .concat(p.name.toLowerCase())
      .some((w) => w.startsWith(q)),
  );
}

/** Who the text mentions: a mention is the person's full name after "@", so deleting it un-mentions. */
export function mentionedIn(text: string, people: readonly Mentionable[]): Mentionable[] {
  return people.filter((p) => text.includes(`@${p.name}`));
}

/** Splits a comment into plain runs and mentions of known people, for highlighting. */
export function withMentions(
  text: string,
  names: readonly string[],
): { text: string; mention: boolean }[] {
  const sorted = [...new Set(names)].filter(Boolean).sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return [{ text, mention: false }];
  const escaped = sorted.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = text.split(new RegExp(`(@(?:${escaped.join('|')}))`, 'g'));
  return parts
    .filter((p) => p !== '')
    .map((p) => ({ text: p, mention: p.startsWith('@') && sorted.includes(p.slice(1)) }));
}
