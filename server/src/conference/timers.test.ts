import { describe, expect, it } from 'vitest';
import { timerElapsedMs } from '@tandem/shared';
import { pauseAll, pauseTimer, resetTimer, startTimer } from './timers.ts';

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 9, 0, s));
const view = (t: { caseId: string; elapsedMs: number; startedAt: Date | null }) => ({
  caseId: t.caseId,
  elapsedMs: t.elapsedMs,
  startedAt: t.startedAt ? t.startedAt.toISOString() : null,
});

describe('case timers', () => {
  it('run from the start time and keep what ran before a pause', () => {
    let timers = startTimer([], 'a', at(0));
    expect(timerElapsedMs(view(timers[0]!), at(30).getTime())).toBe(30_000);
    timers = pauseTimer(timers, 'a', at(40));
    expect(timers[0]).toEqual({ caseId: 'a', elapsedMs: 40_000, startedAt: null });
    expect(timerElapsedMs(view(timers[0]!), at(100).getTime())).toBe(40_000);
    timers = startTimer(timers, 'a', at(100));
    expect(timerElapsedMs(view(timers[0]!), at(105).getTime())).toBe(45_000);
  });

  it('run one case at a time: starting one pauses the other', () => {
    let timers = startTimer([], 'a', at(0));
    timers = startTimer(timers, 'b', at(10));
    expect(timers).toEqual([
      { caseId: 'a', elapsedMs: 10_000, startedAt: null },
      { caseId: 'b', elapsedMs: 0, startedAt: at(10) },
    ]);
  });

  it('ignore a second start and reset to zero', () => {
    let timers = startTimer([], 'a', at(0));
    timers = startTimer(timers, 'a', at(20));
    expect(timers[0]!.startedAt).toEqual(at(0));
    timers = resetTimer(timers, 'a');
    expect(timers[0]).toEqual({ caseId: 'a', elapsedMs: 0, startedAt: null });
  });

  it('all stop when the conference ends', () => {
    const timers = pauseAll(startTimer([], 'a', at(0)), at(90));
    expect(timers[0]).toEqual({ caseId: 'a', elapsedMs: 90_000, startedAt: null });
  });
});
