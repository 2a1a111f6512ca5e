import { describe, expect, it } from 'vitest';
import { PLAN_EDIT_PAUSE_MS } from '@tandem/shared';
import { groupEdits } from './edits.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 9) + minutes * 60_000);
const row = (userId: string, minutes: number, sections: string[] = ['goals']) => ({
  userId,
  sections,
  at: at(minutes),
});

describe('groupEdits', () => {
  it('keeps one person’s changes together while they interleave with another’s', () => {
    const stretches = groupEdits([
      row('maya', 0, ['therapy']),
      row('sam', 1, ['goals']),
      row('maya', 2, ['goals']),
      row('sam', 3, ['safety']),
      row('maya', 4, ['therapy']),
    ]);
    expect(stretches.map((s) => [s.userId, [...s.sections], s.changes])).toEqual([
      ['maya', ['therapy', 'goals'], 3],
      ['sam', ['goals', 'safety'], 2],
    ]);
    expect(stretches[0]!.from).toEqual(at(0));
    expect(stretches[0]!.to).toEqual(at(4));
  });

  it('starts a new stretch after a pause longer than the limit, newest first', () => {
    const pause = PLAN_EDIT_PAUSE_MS / 60_000;
    const stretches = groupEdits([
      row('maya', 1 + 2 * pause + 0.5),
      row('maya', 0),
      row('maya', 1),
      row('maya', 1 + pause),
    ]);
    // 1 → 1 + pause is exactly the limit: still one stretch; the next change is over it.
    expect(stretches.map((s) => [s.from, s.to, s.changes])).toEqual([
      [at(1 + 2 * pause + 0.5), at(1 + 2 * pause + 0.5), 1],
      [at(0), at(1 + pause), 3],
    ]);
  });

  it('counts a change that touched no known section', () => {
    expect(groupEdits([row('sam', 0, [])])).toMatchObject([{ changes: 1, sections: new Set() }]);
  });
});
