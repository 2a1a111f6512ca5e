import { Types } from 'mongoose';
import {
  accessLogLabel,
  ROLES,
  type AccessLogPage,
  type AuditOutcome,
  type AuditPage,
  type AuditQuery,
  type AuditVerifyResult,
  type AccessLogQuery,
  type Role,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { SelfScope, TeamScope } from '../authz/authorize.ts';
import type { Actor } from '../http/request-meta.ts';
import { userModel } from '../users/model.ts';
import { teamModel } from '../teams/model.ts';
import { patientModel } from '../patients/model.ts';
import { auditModel, type AuditModel } from './model.ts';

/**
 * The audit trail of the given teams, newest first: everything recorded about
 * them, and the team-less records (sign-ins, refusals) of their members and patients.
 */
export async function listAudit(
  ctx: AppContext,
  teams: TeamScope[],
  q: AuditQuery,
  actor: Actor,
): Promise<AuditPage> {
  const teamIds = teams.map((t) => t.teamId);
  const [teamDocs, patients] = await Promise.all([
    teamModel(ctx.conn)
      .find({ _id: { $in: teamIds } }, { members: 1 })
      .lean(),
    patientModel(ctx.conn)
      .find({ teamId: { $in: teamIds } }, { userId: 1 })
      .lean(),
  ]);
  const people = [
    ...teamDocs.flatMap((t) => t.members.map((m) => String(m.userId))),
    ...patients.map((p) => String(p.userId)),
  ];
  const filter: Record<string, unknown> = {
    $or: [{ teamId: { $in: teamIds } }, { teamId: null, actorId: { $in: people } }],
  };
  if (q.patientId) filter.patientId = q.patientId;
  if (q.userId) filter.actorId = q.userId;
  if (q.from || q.to) {
    filter.at = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  }
  const top = q.before ? q.before - 1 : await ctx.audit.lastSeq();
  const rows = await newestFirst(auditModel(ctx.conn), filter, top, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const names = await namesOf(
    ctx,
    page.map((r) => r.actorId),
  );

  await ctx.audit.record({
    actorId: actor.user.id,
    actorRole: 'coordinator',
    action: 'audit.read',
    outcome: 'success',
    resourceType: 'audit',
    patientId: q.patientId ?? null,
    teamId: q.teamId ?? (teamIds.length === 1 ? teamIds[0]! : null),
    requestId: actor.meta.requestId ?? null,
    ip: actor.meta.ip ?? null,
    details: {
      filters: {
        ...(q.userId ? { userId: q.userId } : {}),
        ...(q.from ? { from: q.from.toISOString() } : {}),
        ...(q.to ? { to: q.to.toISOString() } : {}),
        ...(q.before ? { before: q.before } : {}),
      },
      count: page.length,
    },
  });

  return {
    records: page.map((r) => ({
      id: String(r._id),
      seq: r.seq,
      at: r.at.toISOString(),
      actor: r.actorId
        ? { id: r.actorId, name: names.get(r.actorId) ?? '', role: r.actorRole ?? null }
        : null,
      action: r.action,
      outcome: r.outcome as AuditOutcome,
      resourceType: r.resourceType ?? null,
      resourceId: r.resourceId ?? null,
      patientId: r.patientId ?? null,
      teamId: r.teamId ?? null,
      requestId: r.requestId ?? null,
      ip: r.ip ?? null,
      details: r.details ?? null,
    })),
    nextBefore: rows.length > q.limit ? page[page.length - 1]!.seq : null,
  };
}

/** Seqs per read at most, when the records wanted are few among many. */
const MAX_WINDOW = 1024;
/** Seqs read in windows per record wanted, at most, before sorting what matches instead. */
const SCAN_PER_RECORD = 40;

/**
 * The newest `want` records matching `filter` with seq at most `top`, newest
 * first. On the embedded database a sorted query reads every record its
 * filter selects (a team's trail is most of the log, a patient's can be tens
 * of thousands), so this reads windows of seqs downwards from `top` by point
 * lookups: when most records match, the first window of `want` seqs is the
 * page; when fewer do, windows double. The windows cover every seq from `top`
 * down, so what they find is the newest. Once they have covered
 * SCAN_PER_RECORD seqs per record wanted, few records below match, and one
 * sorted query of those finds the rest.
 */
async function newestFirst(
  Audit: AuditModel,
  filter: Record<string, unknown>,
  top: number,
  want: number,
) {
  const rows = [];
  for (let hi = top, size = want, scanned = 0; hi >= 1 && rows.length < want;) {
    if (scanned >= want * SCAN_PER_RECORD) {
      const rest = await Audit.find({ ...filter, seq: { $lte: hi } })
        .sort({ seq: -1 })
        .limit(want - rows.length)
        .lean();
      return [...rows, ...rest];
    }
    const lo = Math.max(1, hi - size + 1);
    const seqs = Array.from({ length: hi - lo + 1 }, (_, i) => hi - i);
    rows.push(
      ...(await Audit.find({ ...filter, seq: { $in: seqs } })
        .sort({ seq: -1 })
        .lean()),
    );
    scanned += seqs.length;
    hi = lo - 1;
    size = Math.min(size * 2, MAX_WINDOW);
  }
  return rows.slice(0, want);
}

/** Walks the whole chain; the call itself is recorded after the walk. */
export async function verifyAudit(ctx: AppContext, actor: Actor): Promise<AuditVerifyResult> {
  const result = await ctx.audit.verify();
  await ctx.audit.record({
    actorId: actor.user.id,
    actorRole: actor.user.role,
    action: 'audit.verify',
    outcome: 'success',
    resourceType: 'audit',
    requestId: actor.meta.requestId ?? null,
    ip: actor.meta.ip ?? null,
    details: { ok: result.ok, checked: result.checked },
  });
  return result;
}

// A patient looking at their own access log is not news to them.
const NOT_IN_ACCESS_LOG = ['audit.access_log'];

/**
 * Who opened or changed a patient's record, newest first: names and roles of
 * the people, what they did and when. Only records about this patient.
 */
export async function accessLog(
  ctx: AppContext,
  self: SelfScope,
  q: AccessLogQuery,
  actor: Actor,
): Promise<AccessLogPage> {
  const patientId = self.patientId!;
  const filter: Record<string, unknown> = { patientId, action: { $nin: NOT_IN_ACCESS_LOG } };
  if (q.others) filter.actorId = { $ne: actor.user.id };
  const top = q.before ? q.before - 1 : await ctx.audit.lastSeq();
  const rows = await newestFirst(auditModel(ctx.conn), filter, top, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const names = await namesOf(
    ctx,
    page.map((r) => r.actorId),
  );
  await ctx.audit.record({
    actorId: actor.user.id,
    actorRole: 'patient',
    action: 'audit.access_log',
    outcome: 'success',
    resourceType: 'audit',
    patientId,
    teamId: self.teamId,
    requestId: actor.meta.requestId ?? null,
    ip: actor.meta.ip ?? null,
    details: { count: page.length },
  });
  return {
    entries: page.map((r) => ({
      at: r.at.toISOString(),
      action: r.action,
      label: accessLogLabel(r.action, r.details),
      outcome: r.outcome as AuditOutcome,
      actor: r.actorId
        ? { name: names.get(r.actorId) ?? 'Former team member', role: roleOrNull(r.actorRole) }
        : null,
      self: r.actorId === actor.user.id,
    })),
    nextBefore: rows.length > q.limit ? page[page.length - 1]!.seq : null,
  };
}

function roleOrNull(role: string | null | undefined): Role | null {
  return (ROLES as readonly string[]).includes(role ?? '') ? (role as Role) : null;
}

async function namesOf(
  ctx: AppContext,
  ids: (string | null | undefined)[],
): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => !!id && Types.ObjectId.isValid(id)))];
  if (unique.length === 0) return new Map();
  const users = await userModel(ctx.conn)
    .find({ _id: { $in: unique } }, { name: 1 })
    .lean();
  return new Map(users.map((u) => [String(u._id), u.name]));
}
