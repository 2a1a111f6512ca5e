import { ApiError } from '$lib/api.ts';

const dateTime = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

const shortDate = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/** "12 Mar 2025, 14:02" in the reader's locale. */
export function when(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** "12 March 2025": for the patient, who rarely needs the minute. */
export function day(iso: string): string {
  return dateOnly.format(new Date(iso));
}

/** "12 Mar 2025": a date in a line that lists several things. */
export function shortDay(iso: string): string {
  return shortDate.format(new Date(iso));
}

/** "just now", "5 min ago", "3 h ago", then the date: for live lists that people skim. */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return when(iso);
}

/** A sentence for a failed request: the server's own message when there is one. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : 'Something went wrong. Try again.';
}
