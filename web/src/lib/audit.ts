/** The coordinator's audit page: its filters, kept in the page's address so that a view can be shared and reloaded. */
export type AuditFilters = {
  team: string;
  patient: string;
  person: string;
  /** Dates, yyyy-mm-dd. */
  from: string;
  to: string;
};

/** The `GET /audit` query for the filters: the dates are whole days in the reader's time zone. */
export function auditQuery(f: AuditFilters): string {
  const q = new URLSearchParams({ teamId: f.team, limit: '50' });
  if (f.patient) q.set('patientId', f.patient);
  if (f.person) q.set('userId', f.person);
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) q.set('to', new Date(`${f.to}T23:59:59.999`).toISOString());
  return q.toString();
}

/** The page's own address for the filters. */
export function auditAddress(f: AuditFilters): `?${string}` {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  return `?${q.toString()}`;
}
