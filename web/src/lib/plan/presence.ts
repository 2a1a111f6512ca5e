/** What the presence UI needs of a person (the workspace's Presence satisfies it). */
export type PresenceLike = {
  clientId: number;
  userId: string;
  name: string;
  role: string;
  color: string;
  section: string | null;
  self: boolean;
};

export function initials(name: string): string {
  return name
    .replace(/^(Dr\.?|Mx\.?|Ms\.?|Mr\.?)\s+/i, '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

/** One entry per person: several tabs of one user count once (their own tab first). */
export function uniquePeople<P extends PresenceLike>(people: readonly P[]): P[] {
  const byUser = new Map<string, P>();
  for (const p of people) {
    const seen = byUser.get(p.userId);
    if (!seen || (p.self && !seen.self)) byUser.set(p.userId, p);
  }
  return [...byUser.values()];
}
