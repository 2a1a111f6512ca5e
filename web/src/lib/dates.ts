/**
 * The date on this device's calendar, `offsetDays` from today, as YYYY-MM-DD.
 * Not `toISOString()`, which gives the date in UTC: in New York after 7 pm that
 * is already tomorrow.
 */
export function localDay(offsetDays = 0, now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + offsetDays);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
