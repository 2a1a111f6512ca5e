import type { LiveState } from './model.ts';

type Timers = LiveState['timers'];

/**
 * Case timers as stored: time run before plus when it last started. Only one
 * case's timer runs at a time; starting one pauses the others. Pure, so every
 * instance computes the same result from the same stored state.
 */
export function startTimer(timers: Timers, caseId: string, now: Date): Timers {
  const out = pauseAll(timers, now, caseId);
  const own = out.find((t) => t.caseId === caseId);
  if (!own) return [...out, { caseId, elapsedMs: 0, startedAt: now }];
  if (!own.startedAt) own.startedAt = now;
  return out;
}

export function pauseTimer(timers: Timers, caseId: string, now: Date): Timers {
  return timers.map((t) => (t.caseId === caseId ? fold(t, now) : { ...t }));
}

export function resetTimer(timers: Timers, caseId: string): Timers {
  return timers.map((t) =>
    t.caseId === caseId ? { caseId, elapsedMs: 0, startedAt: null } : { ...t },
  );
}

/** Pauses every running timer (except `keep`), as when a conference ends. */
export function pauseAll(timers: Timers, now: Date, keep?: string): Timers {
  return timers.map((t) => (t.caseId === keep ? { ...t } : fold(t, now)));
}

function fold(t: Timers[number], now: Date): Timers[number] {
  if (!t.startedAt) return { ...t };
  const ran = Math.max(0, now.getTime() - t.startedAt.getTime());
  return { caseId: t.caseId, elapsedMs: t.elapsedMs + ran, startedAt: null };
}
