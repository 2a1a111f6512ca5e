import { describe, expect, it } from 'vitest';
import { EDIT_PAUSE_MS, mergeStretches, type Stretch } from './history.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 9) + minutes * 60_000);
const change = (userId: string, minutes: number, sections = ['goals']): Stretch => ({
  userId,
  sections,
  from: at(minutes),
  to: at(minutes),
});
const PAUSE = EDIT_PAUSE_MS / 60_000;

describe('mergeStretches', () => {
  it('keeps one person’s changes together while they interleave with another’s', () => {
    const stretches = mergeStretches([
      change('maya', 0, ['therapy']),
      change('sam', 1, ['goals']),
      change('maya', 2, ['goals']),
      change('sam', 3, ['safety']),
      change('maya', 4, ['therapy']),
    ]);
    expect(stretches).toEqual([
      { userId: 'maya', sections: ['therapy', 'goals'], from: at(0), to: at(4) },
      { userId: 'sam', sections: ['goals', 'safety'], from: at(1), to: at(3) },
    ]);
  });

  it('starts a new stretch after a pause longer than the limit, newest first', () => {
    const stretches = mergeStretches([
      change('maya', 1 + 2 * PAUSE + 0.5),
      change('maya', 0),
      change('maya', 1),
      // Exactly the limit after the last change: still the same stretch.
      change('maya', 1 + PAUSE),
    ]);
    expect(stretches.map((s) => [s.from, s.to])).toEqual([
      [at(1 + 2 * PAUSE + 0.5), at(1 + 2 * PAUSE + 0.5)],
      [at(0), at(1 + PAUSE)],
    ]);
  });

  it('joins kept stretches with later changes, and counts a stretch given twice once', () => {
    const kept: Stretch = { userId: 'sam', sections: ['goals'], from: at(0), to: at(30) };
    expect(
      mergeStretches([kept, { ...kept }, change('sam', 35, ['safety']), change('sam', 20, [])]),
    ).toEqual([{ userId: 'sam', sections: ['goals', 'safety'], from: at(0), to: at(35) }]);
  });

  it('leaves what it was given as it was', () => {
    const kept: Stretch = { userId: 'sam', sections: ['goals'], from: at(0), to: at(1) };
    mergeStretches([kept, change('sam', 2, ['safety'])]);
    expect(kept).toEqual({ userId: 'sam', sections: ['goals'], from: at(0), to: at(1) });
  });
});
