import { z } from 'zod';
import { ROLES } from './roles.ts';
import { ObjectIdString } from './plans.ts';

/** Audit actions recorded by the server. Other domains add theirs (`plan.export`, `comment.create`, …). */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'auth.session_expired',
  'auth.password_change',
  'access.denied',
  'plan.list',
  'plan.read',
  'plan.join',
  'team.member_add',
  'team.member_role',
  'team.member_remove',
  'team.member_password_reset',
  'patient.create',
  'patient.password_reset',
  'patient.list',
  'audit.read',
  'audit.verify',
  'audit.access_log',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How a patient's access log describes an action, in plain language. */
export const ACCESS_LOG_LABELS: Record<string, string> = {
  'plan.read': 'Opened your plan',
  'plan.edits': 'Looked at who edited your plan',
  'plan.join': 'Opened your plan live',
  'plan.doc.open': 'Opened your plan for editing',
  'plan.doc.write': 'Edited your plan',
  'plan.export': 'Exported your plan',
  'patient.create': 'Created your record',
  'patient.password_reset': 'Set a new first password for your account',
  'audit.read': 'Looked at the access history of your record',
  'access.denied': 'Was refused access to your plan',
  'comment.list': 'Read the comments on your plan',
  'comment.create': 'Commented on your plan',
  'goal.own_words': 'Put a goal in your own words',
  'comment.reply': 'Replied to a comment on your plan',
  'version.create': 'Saved a version of your plan',
  'version.sign': 'Signed a version of your plan',
  'version.cosign': 'Co-signed a version of your plan',
  'version.acknowledge': 'Acknowledged a version of your plan',
  'proposal.create': 'Proposed a medication change',
  'proposal.accept': 'Accepted a medication change',
  'proposal.decline': 'Declined a medication change',
  'checkin.list': 'Read your check-ins',
  'checkin.submit': 'Completed a check-in',
  'checkin.follow_up': 'Followed up on your check-in',
  'conference.summaries.read': 'Looked at the case conferences about your plan',
  'conference.case.read': 'Looked at your plan for a case conference',
  'conference.minutes.open': 'Opened conference minutes about your care',
  'conference.minutes.write': 'Wrote conference minutes about your care',
  'conference.minutes.read': 'Read conference minutes about your care',
  'conference.minutes.export': 'Exported conference minutes about your care',
};

const ACCESS_LOG_AREAS: [prefix: string, label: string][] = [
  ['comment.', 'Worked on the comments of your plan'],
  ['version.', 'Looked at the versions of your plan'],
  ['proposal.', 'Looked at medication proposals for your plan'],
  ['interaction.', 'Reviewed medication interactions in your plan'],
  ['checkin.', 'Worked on your check-ins'],
  ['conference.', 'Discussed your plan in a case conference'],
  ['medication.', 'Worked on your medications'],
];

/** A plan opened live by someone who may only read it (the record keeps the access level). */
function openedToRead(action: string, details: unknown): boolean {
  return action === 'plan.doc.open' && (details as { access?: unknown } | null)?.access === 'read';
}

/**
 * The plain-language line for an action, and its `details` when they change
 * the words (a plan opened live by someone who may only read it); actions
 * added later fall back to their area.
 */
export function accessLogLabel(action: string, details?: unknown): string {
  if (openedToRead(action, details)) return 'Opened your plan to read';
  return (
    ACCESS_LOG_LABELS[action] ??
    ACCESS_LOG_AREAS.find(([prefix]) => action.startsWith(prefix))?.[1] ??
    'Worked on your record'
  );
}

/** How the team's audit trail describes an action to the people who review it; the code stays next to it. */
const AUDIT_LABELS: Record<string, string> = {
  'auth.login': 'Signed in',
  'auth.logout': 'Signed out',
  'auth.session_expired': 'Was signed out after a pause',
  'auth.password_change': 'Changed their password',
  'access.denied': 'Was refused access',
  'plan.list': 'Listed their plans',
  'plan.read': 'Opened the plan',
  'plan.join': 'Opened the plan live',
  'plan.doc.open': 'Opened the plan for editing',
  'plan.doc.write': 'Edited the plan',
  'plan.edits': 'Looked at who edited the plan',
  'plan.history': 'Looked at the plan’s history',
  'plan.export': 'Exported the plan',
  'plan.comment': 'Opened a plan comment',
  'team.read': 'Looked at the team',
  'team.manage': 'Managed the team',
  'team.member_add': 'Added a team member',
  'team.member_role': 'Changed a member’s role',
  'team.member_remove': 'Removed a team member',
  'team.member_password_reset': 'Set a new first password for a team member',
  'patient.create': 'Created a patient record',
  'patient.password_reset': 'Set a new first password for a patient',
  'patient.list': 'Listed patients',
  'audit.read': 'Read the audit trail',
  'audit.verify': 'Checked the audit chain',
  'audit.access_log': 'Read who opened their record',
  'audit.own': 'Read their own record of access',
  'comment.list': 'Read the comments',
  'comment.create': 'Commented',
  'goal.own_words': 'Put a goal in their own words',
  'comment.reply': 'Replied to a comment',
  'comment.edit': 'Edited a comment',
  'comment.resolve': 'Resolved a comment',
  'comment.reopen': 'Reopened a comment',
  'version.create': 'Saved a version',
  'version.list': 'Listed the versions',
  'version.read': 'Read a version',
  'version.rename': 'Renamed a version',
  'version.diff': 'Compared versions',
  'version.changes_since_review': 'Looked at the changes since the last review',
  'version.sign': 'Signed a version',
  'version.cosign': 'Co-signed a version',
  'version.acknowledge': 'Confirmed reviewing a version',
  'proposal.list': 'Looked at medication proposals',
  'proposal.create': 'Proposed a medication change',
  'proposal.accept': 'Accepted a medication change',
  'proposal.decline': 'Declined a medication change',
  'medication.decide': 'Decided on a medication change',
  'interaction.list': 'Looked at medication interactions',
  'interaction.acknowledge': 'Acknowledged a medication interaction',
  'checkin.list': 'Read the check-ins',
  'checkin.submit': 'Completed a check-in',
  'checkin.follow_up': 'Followed up a check-in’s safety answer',
  'action_item.list': 'Listed action items',
  'action_item.update': 'Updated an action item',
  'conference.list': 'Listed case conferences',
  'conference.read': 'Opened a case conference',
  'conference.create': 'Scheduled a case conference',
  'conference.update': 'Changed a case conference',
  'conference.delete': 'Cancelled a case conference',
  'conference.start': 'Started a case conference',
  'conference.end': 'Ended a case conference',
  'conference.join': 'Joined a case conference',
  'conference.minutes.open': 'Opened the conference minutes',
  'conference.minutes.write': 'Wrote in the conference minutes',
  'conference.minutes.read': 'Read the conference minutes',
  'conference.minutes.export': 'Exported the conference minutes',
  'conference.decision.create': 'Recorded a conference decision',
  'conference.action_item.create': 'Added a conference action item',
  'conference.attendance.read': 'Looked at who attended a conference',
  'conference.case.read': 'Read a case’s brief for a conference',
  'conference.records.read': 'Read a conference’s decisions and action items',
  'conference.summaries.read': 'Looked at the plan’s case conferences',
  'conference.navigate': 'Moved the conference to another case',
  'conference.presenter': 'Handed over presenting a conference',
};

/** The audit trail's words for an action (and its `details`); null for one that only has its code. */
export function auditLabel(action: string, details?: unknown): string | null {
  if (openedToRead(action, details)) return 'Opened the plan to read';
  return AUDIT_LABELS[action] ?? null;
}

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Accepts a full ISO timestamp or a plain date (read as midnight UTC). */
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((s) => new Date(s));

/** Filters of `GET /api/v1/audit`; `before` is the `nextBefore` of the previous page. */
export const AuditQuery = z.strictObject({
  patientId: ObjectIdString.optional(),
  userId: ObjectIdString.optional(),
  teamId: ObjectIdString.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** `GET /api/v1/me/access-log`: `others=true` leaves out what the patient did themself. */
export const AccessLogQuery = PageQuery.extend({
  others: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type AccessLogQuery = z.infer<typeof AccessLogQuery>;

export const AuditActor = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string().nullable(),
});

export const AuditRecord = z.object({
  id: z.string(),
  seq: z.number(),
  at: z.string(),
  actor: AuditActor.nullable(),
  action: z.string(),
  outcome: z.enum(AUDIT_OUTCOMES),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  patientId: z.string().nullable(),
  teamId: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.unknown(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

export const AuditPage = z.object({
  records: z.array(AuditRecord),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.number().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number(),
  /** The first record whose hash or link fails. */
  firstBrokenId: z.string().nullable(),
  /** The first seq missing from the end of the log that this server had written. */
  missingFrom: z.number().nullable(),
  /** The newest record checked: note it to tell later whether records were cut off the end. */
  lastSeq: z.number(),
  lastHash: z.string().nullable(),
});
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

/** One line of a patient's access log: who did what to their record, and when. */
export const AccessLogEntry = z.object({
  at: z.string(),
  action: z.string(),
  label: z.string(),
  outcome: z.enum(AUDIT_OUTCOMES),
  actor: z.object({ name: z.string(), role: z.enum(ROLES).nullable() }).nullable(),
  /** The patient themself. */
  self: z.boolean(),
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

export const AccessLogPage = z.object({
  entries: z.array(AccessLogEntry),
  nextBefore: z.number().nullable(),
});
export type AccessLogPage = z.infer<typeof AccessLogPage>;

/** One sitting of one person with the patient's record: what they did, from first to last. */
export type AccessVisit = {
  actor: AccessLogEntry['actor'];
  self: boolean;
  /** The plain-language lines, each once, newest first. */
  labels: string[];
  outcome: AuditOutcome;
  /** The newest and the oldest entry's time. */
  at: string;
  since: string;
  entries: number;
};

/** Entries further apart than this are separate visits. */
export const VISIT_GAP_MS = 15 * 60 * 1000;

/**
 * Groups an access log (newest first) into visits: one opening of a plan
 * records several entries (the plan, its comments, its versions, …), and a
 * patient wants to read "who, when", not each request. Consecutive entries of
 * the same person less than VISIT_GAP_MS apart are one visit; a refused
 * access always stands alone, so that it is never hidden in a visit.
 */
export function accessVisits(entries: AccessLogEntry[]): AccessVisit[] {
  const visits: AccessVisit[] = [];
  for (const e of entries) {
    const last = visits.at(-1);
    const same =
      last &&
      e.outcome === 'success' &&
      last.outcome === 'success' &&
      last.self === e.self &&
      last.actor?.name === e.actor?.name &&
      last.actor?.role === e.actor?.role &&
      Date.parse(last.since) - Date.parse(e.at) < VISIT_GAP_MS;
    if (same) {
      if (!last.labels.includes(e.label)) last.labels.push(e.label);
      last.since = e.at;
      last.entries++;
    } else {
      visits.push({
        ...{ actor: e.actor, self: e.self, labels: [e.label], outcome: e.outcome },
        ...{ at: e.at, since: e.at, entries: 1 },
      });
    }
  }
  return visits;
}
