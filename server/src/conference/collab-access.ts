import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { AuditEntry } from '../audit/service.ts';
import { AppError } from '../errors.ts';
import { auditBase, canRecord, resolveCase } from './access.ts';

/** A minutes document opened: the access, and the audit record's fields for what follows. */
export type MinutesAccess =
  { level: 'write' | 'read'; audit: Omit<AuditEntry, 'action' | 'outcome'> } | { level: 'none' };

/**
 * Access to a case's minutes document (`conference:<id>:case:<caseId>`) on
 * /collab: the care team writes until the conference ends and reads after;
 * an invited patient reads their own case's minutes and no other's.
 * Refusals are audited by authorize(); unknown documents look like foreign ones.
 */
export async function minutesDocAccess(
  ctx: AppContext,
  user: AuthUser,
  ref: { conferenceId: string; caseId: string },
  ip: string | null,
): Promise<MinutesAccess> {
  const meta = { ip };
  try {
    const { viewer, kase } = await resolveCase(
      ctx,
      user,
      ref.conferenceId,
      ref.caseId,
      'conference.attend',
      meta,
    );
    const level =
      canRecord(viewer) && viewer.conference.status !== 'ended'
        ? ('write' as const)
        : ('read' as const);
    // One case's minutes are about its patient.
    const audit = {
      ...auditBase(viewer, meta),
      patientId: String(kase.patientId),
      details: { caseId: ref.caseId },
    };
    await ctx.audit.record({
      ...audit,
      action: 'conference.minutes.open',
      details: { caseId: ref.caseId, access: level },
    });
    return { level, audit };
  } catch (err) {
    if (!(err instanceof AppError) || (err.status !== 403 && err.status !== 404)) throw err;
    if (err.status === 404) {
      await ctx.audit.record({
        actorId: user.id,
        actorRole: user.role,
        action: 'access.denied',
        outcome: 'denied',
        resourceType: 'conference',
        resourceId: ref.conferenceId,
        ip,
        details: { reason: 'unknown', caseId: ref.caseId },
      });
    }
    return { level: 'none' };
  }
}
