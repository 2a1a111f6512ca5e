import {
  ANSWER_OPTIONS,
  CHECK_IN_INTERVAL_DAYS,
  CHECK_IN_MIN_GAP_HOURS,
  checkInProgress,
  maxScore,
  QUESTIONNAIRES,
  SEVERITY_LABELS,
  type CheckIn,
  type Instrument,
  type Role,
  type Severity,
} from '@tandem/shared';

/** "mood check-in": the form's title inside a sentence. */
export const titleInSentence = (instrument: Instrument) =>
  QUESTIONNAIRES[instrument].title.toLowerCase();

/** "a mood check-in", "an anxiety check-in". */
export function aTitle(instrument: Instrument): string {
  const title = titleInSentence(instrument);
  return `${/^[aeiou]/.test(title) ? 'an' : 'a'} ${title}`;
}

/** "Start a mood check-in", "Start an anxiety check-in". */
export const startText = (instrument: Instrument) => `Start ${aTitle(instrument)}`;

/** The sentences of check-in news, alike in the bell and in what is read out live. */
export const newsWords = {
  completed: (patient: string, instrument: Instrument) =>
    `${patient} completed ${aTitle(instrument)}`,
  safety: (patient: string, instrument: Instrument) =>
    `${patient}’s ${titleInSentence(instrument)} reported thoughts of self-harm: follow up`,
  followedUp: (by: string, patient: string, instrument: Instrument) =>
    `${by} followed up ${patient}’s ${titleInSentence(instrument)}`,
};

/**
 * A check-in that arrived live, read out: a new one to the care team, a
 * follow-up to everyone but who recorded it. Empty when there is nothing to say.
 */
export function checkInNews(
  c: CheckIn,
  ctx: { known: boolean; me: string; patient: string; role: Role },
): string {
  if (ctx.known) {
    if (!c.followUp || c.followUp.by.id === ctx.me) return '';
    return ctx.role === 'patient'
      ? 'Your care team followed up on your check-in.'
      : `${newsWords.followedUp(c.followUp.by.name, ctx.patient, c.instrument)}.`;
  }
  if (ctx.role === 'patient') return '';
  return c.safety
    ? `${newsWords.safety(ctx.patient, c.instrument)}.`
    : `${newsWords.completed(ctx.patient, c.instrument)}: ${scoreOf(c)}, ${severityWord(c.severity)}.`;
}

/** "mild", "moderately severe". */
export const severityWord = (severity: Severity) => SEVERITY_LABELS[severity].toLowerCase();

/** "9 of 27". */
export const scoreOf = (c: Pick<CheckIn, 'instrument' | 'score'>) =>
  `${c.score} of ${maxScore(c.instrument)}`;

/** The answer to the question about self-harm, when the form has one. */
export function safetyAnswer(c: CheckIn): string | null {
  const item = QUESTIONNAIRES[c.instrument].safetyItem;
  if (item === null) return null;
  return ANSWER_OPTIONS[c.answers[item] ?? 0] ?? null;
}

/** For the patient: how this score compares with the one before, lower being better. */
export function changeSincePlain(latest: CheckIn, previous: CheckIn | undefined): string {
  if (!previous) return 'This is your first one, so there is nothing to compare with yet.';
  const d = latest.score - previous.score;
  const before = `your last one on ${monthDay(previous.submittedAt)} (${scoreOf(previous)})`;
  if (d === 0) return `The same as ${before}.`;
  return d < 0
    ? `${-d} lower than ${before}. Lower is better.`
    : `${d} higher than ${before}. Lower is better.`;
}

/** For clinicians: "18 → 9, down 50 %: response". */
export function progressText(series: readonly CheckIn[]): string {
  const first = series[0];
  const latest = series.at(-1);
  if (!first || !latest) return '';
  if (series.length === 1) return `${first.score}, the first score (baseline)`;
  const p = checkInProgress(first.score, latest.score);
  const arrow = `${first.score} → ${latest.score}`;
  if (p.change === 0) return `${arrow}, no change`;
  const size = p.percent === null ? `${Math.abs(p.change)}` : `${Math.abs(p.percent)}\u00a0%`;
  const outcome = [p.response && 'response', p.remission && 'remission'].filter(Boolean);
  return `${arrow}, ${p.change < 0 ? 'down' : 'up'} ${size}${outcome.length ? `: ${outcome.join(', ')}` : ''}`;
}

/** When the next check-in of this form may be done, or null when it may be done now. */
/** More than CHECK_IN_INTERVAL_DAYS since the newest of a form, or none yet: time for one. */
export function isDue(latest: CheckIn | undefined, now = Date.now()): boolean {
  return !latest || now - Date.parse(latest.submittedAt) > CHECK_IN_INTERVAL_DAYS * 86_400_000;
}

export function nextAllowedAt(latest: CheckIn | undefined, now = Date.now()): Date | null {
  if (!latest) return null;
  const next = Date.parse(latest.submittedAt) + CHECK_IN_MIN_GAP_HOURS * 3_600_000;
  return next > now ? new Date(next) : null;
}

const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayMonthYear = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/** "today at 3:40 PM", "tomorrow at 9:05 AM", or the date for anything later. */
export function dayAndTime(at: Date, now = new Date()): string {
  const days = Math.round(
    (new Date(at).setHours(0, 0, 0, 0) - new Date(now).setHours(0, 0, 0, 0)) / 86_400_000,
  );
  const dayText = days === 0 ? 'today' : days === 1 ? 'tomorrow' : `on ${dayMonth.format(at)}`;
  return `${dayText} at ${time.format(at)}`;
}

/** "Nov 25", with the year only when it is not this year's: check-ins come every two weeks. */
export function monthDay(iso: string, now = new Date()): string {
  const at = new Date(iso);
  return (at.getFullYear() === now.getFullYear() ? dayMonth : dayMonthYear).format(at);
}
