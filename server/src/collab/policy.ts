import type { IncomingMessage } from 'node:http';
import { docAccess, parseConferenceDocName, parsePlanDocName } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../auth/authenticate.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { SessionWatch } from '../auth/session-watch.ts';
import { planScope } from '../authz/authorize.ts';
import { minutesDocAccess } from '../conference/collab-access.ts';
import type { CollabIdentity, CollabPolicy, DocAccessLevel } from './types.ts';

/**
 * The policy of plan documents (`plan:<planId>:<care|medications|private>`)
 * and of conference minutes (`conference:<id>:case:<caseId>`, see conference/):
 * the session from the cookie or `?token=`, the caller's role on the plan,
 * and the permission table. Refusals and opened documents are audited; the
 * session watch closes the sockets of sessions that expire.
 */
export function planCollabPolicy(ctx: AppContext, watch: SessionWatch): CollabPolicy {
  const admitted = new WeakMap<CollabIdentity, { user: AuthUser; ip: string | null }>();
  return {
    async authenticate(req: IncomingMessage) {
      const ip = req.socket.remoteAddress ?? null;
      const session = await sessionOf(ctx, req, { allowQueryToken: true });
      // A session whose account still has its first password is not admitted either (4401)
      // until the person has chosen their own.
      if (!session || session.passwordChangeDue) {
        await ctx.audit.record({
          actorId: session?.user.id ?? null,
          actorRole: session?.user.role ?? null,
          action: 'access.denied',
          outcome: 'denied',
          resourceType: 'collab',
          ip,
          details: { reason: session ? 'password_change_required' : 'unauthenticated' },
        });
        return null;
      }
      const user = session.user;
      const identity: CollabIdentity = {
        userId: user.id,
        name: user.name,
        role: user.role,
        sessionId: user.sessionId,
      };
      admitted.set(identity, { user, ip });
      return identity;
    },

    async docAccess(identity, docName): Promise<DocAccessLevel> {
      const minutes = parseConferenceDocName(docName);
      if (minutes) {
        const who = admitted.get(identity);
        return who ? minutesDocAccess(ctx, who.user, minutes, who.ip) : 'none';
      }
      const parsed = parsePlanDocName(docName);
      if (!parsed) return 'unknown';
      const who = admitted.get(identity);
      if (!who) return 'none';
      const scope = await planScope(ctx, who.user, parsed.planId);
      const role = scope?.role ?? null;
      const level = role ? docAccess(role, parsed.kind) : 'none';
      const audit = {
        actorId: identity.userId,
        actorRole: identity.role,
        resourceType: 'plan',
        resourceId: parsed.planId,
        // A probe of a foreign plan stays anonymous; an opened record names its patient.
        patientId: level === 'none' ? null : (scope?.patientId ?? null),
        teamId: level === 'none' ? null : (scope?.teamId ?? null),
        ip: who.ip,
      };
      if (level === 'none') {
        // Unknown and foreign plans look the same (4403), as on REST.
        await ctx.audit.record({
          ...audit,
          action: 'access.denied',
          outcome: 'denied',
          details: { doc: parsed.kind, reason: role ? 'role' : 'not_in_care_team' },
        });
        return 'none';
      }
      await ctx.audit.record({
        ...audit,
        action: 'plan.doc.open',
        outcome: 'success',
        details: { doc: parsed.kind, access: level },
      });
      return level;
    },

    admitted: (identity) => watch.track(identity.sessionId),
  };
}
