import type { IncomingMessage } from 'node:http';
import { docAccess, parsePlanDocName } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { authenticateRequest } from '../auth/authenticate.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { SessionWatch } from '../auth/session-watch.ts';
import { planRoleFor } from '../plans/access.ts';
import type { CollabIdentity, CollabPolicy, DocAccessLevel } from './types.ts';

/**
 * The policy of plan documents (`plan:<planId>:<care|medications|private>`):
 * the session from the cookie or `?token=`, the caller's role on the plan,
 * and the permission table. Refusals and opened documents are audited; the
 * session watch closes the sockets of sessions that expire.
 */
export function planCollabPolicy(ctx: AppContext, watch: SessionWatch): CollabPolicy {
  const admitted = new WeakMap<CollabIdentity, { user: AuthUser; ip: string | null }>();
  return {
    async authenticate(req: IncomingMessage) {
      const ip = req.socket.remoteAddress ?? null;
      const user = await authenticateRequest(ctx, req, { allowQueryToken: true });
      if (!user) {
        await ctx.audit.record({
          action: 'access.denied',
          outcome: 'denied',
          resourceType: 'collab',
          ip,
          details: { reason: 'unauthenticated' },
        });
        return null;
      }
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
      const parsed = parsePlanDocName(docName);
      if (!parsed) return 'unknown';
      const who = admitted.get(identity);
      if (!who) return 'none';
      const role = await planRoleFor(ctx, who.user, parsed.planId);
      const level = role ? docAccess(role, parsed.kind) : 'none';
      const audit = {
        actorId: identity.userId,
        actorRole: identity.role,
        resourceType: 'plan',
        resourceId: parsed.planId,
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
