import type { AttendanceEntry, Role } from '@tandem/shared';

export type AttendanceRow = {
  userId: string;
  name: string;
  role: string;
  joinedAt: Date;
  leftAt: Date | null;
};

/**
 * Attendance as the minutes state it: each person's time present while the
 * conference was live (a waiting room before the start does not count),
 * overlapping stays from several tabs merged, people in order of arrival.
 */
export function summarizeAttendance(
  rows: AttendanceRow[],
  window: { from: Date; to: Date },
): AttendanceEntry[] {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const byUser = new Map<string, { entry: AttendanceEntry; spans: [number, number][] }>();
  for (const r of rows) {
    const start = Math.max(r.joinedAt.getTime(), from);
    const end = Math.min(r.leftAt ? r.leftAt.getTime() : to, to);
    if (end < start || (end === start && r.joinedAt.getTime() < from)) continue;
    let person = byUser.get(r.userId);
    if (!person) {
      person = {
        entry: { userId: r.userId, name: r.name, role: r.role as Role, intervals: [] },
        spans: [],
      };
      byUser.set(r.userId, person);
    }
    person.spans.push([start, end]);
  }
  const out: { first: number; entry: AttendanceEntry }[] = [];
  for (const { entry, spans } of byUser.values()) {
    spans.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const s of spans) {
      const last = merged.at(-1);
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    }
    entry.intervals = merged.map(([a, b]) => ({
      joinedAt: new Date(a).toISOString(),
      leftAt: new Date(b).toISOString(),
    }));
    out.push({ first: merged[0]![0], entry });
  }
  return out.sort((a, b) => a.first - b.first).map((o) => o.entry);
}
