import type { AppContext } from '../context.ts';
import type { AuditOutcome } from './service.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { PlanScope, RequestMeta } from '../authz/authorize.ts';

export type PlanEvent = {
  action: string;
  /** `success` unless said otherwise (a refusal is `denied`). */
  outcome?: AuditOutcome;
  resourceType: string;
  resourceId: string;
  details?: Record<string, unknown> | null;
};

/** Audits a read or write of a plan's record by someone in its care team, or its refusal. */
export function auditPlanEvent(
  ctx: AppContext,
  user: AuthUser,
  scope: PlanScope,
  event: PlanEvent,
  meta: RequestMeta,
): Promise<void> {
  return ctx.audit.record({
    actorId: user.id,
    actorRole: scope.role,
    action: event.action,
    outcome: event.outcome ?? 'success',
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    patientId: scope.patientId,
    teamId: scope.teamId,
    requestId: meta.requestId ?? null,
    ip: meta.ip ?? null,
    details: event.details ?? null,
  });
}
