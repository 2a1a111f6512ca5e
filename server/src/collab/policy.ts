import type { IncomingMessage } from 'node:http';
import {
  docAccess,
  parseConferenceDocName,
  parsePlanDocName,
  SESSION_COOKIE,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../auth/authenticate.ts';
import { parseCookies } from '../auth/tokens.ts';
import { hasBearer, isForeignRequest } from '../http/origin.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { SessionWatch } from '../auth/session-watch.ts';
import { planScope } from '../authz/authorize.ts';
import { minutesDocAccess } from '../conference/collab-access.ts';
import type { AuditEntry } from '../audit/service.ts';
import type { CollabIdentity, CollabPolicy, DocAccessLevel } from './types.ts';

/** A connection's writes are audited with its first change and then at most this often. */
export const WRITE_AUDIT_EVERY_MS = 5 * 60_000;

/** What the audit of a connection's later writes and refusals needs of its opening. */
type Opened = {
  entry: Omit<AuditEntry, 'action' | 'outcome'>;
  /** The action a write is audited as. */
  write: string;
  lastWriteAt: number | null;
};

/**
 * The policy of plan documents (`plan:<planId>:<care|medications|private>`)
 * and of conference minutes (`conference:<id>:case:<caseId>`, see conference/):
 * the session from the cookie or `?token=`, the caller's role on the plan,
 * and the permission table. Refusals, opened documents and writes are
 * audited (writes once per connection per WRITE_AUDIT_EVERY_MS: the update log
 * keeps each change's author and time); the session watch closes the sockets
 * of sessions that expire.
 */
export function planCollabPolicy(ctx: AppContext, watch: SessionWatch): CollabPolicy {
  const admitted = new WeakMap<CollabIdentity, { user: AuthUser; ip: string | null }>();
  // An identity is made per upgrade, so this is per connection.
  const opened = new WeakMap<CollabIdentity, Opened>();
  const record = (entry: AuditEntry) => void ctx.audit.record(entry).catch(() => {});
  return {
    async authenticate(req: IncomingMessage) {
      const ip = req.socket.remoteAddress ?? null;
      // A page on a sibling subdomain or another port gets our SameSite=Lax cookie sent with its
      // upgrade, and the cookie wins over `?token=` (tokenFromRequest): it is held to our origin.
      const viaCookie = !hasBearer(req) && !!parseCookies(req.headers.cookie)[SESSION_COOKIE];
      if (viaCookie && isForeignRequest(req, ctx.config)) {
        await ctx.audit.record({
          action: 'access.denied',
          outcome: 'denied',
          resourceType: 'collab',
          ip,
          details: { reason: 'foreign_origin' },
        });
        return null;
      }
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
        if (!who) return 'none';
        const access = await minutesDocAccess(ctx, who.user, minutes, who.ip);
        if (access.level === 'none') return 'none';
        opened.set(identity, {
          entry: access.audit,
          write: 'conference.minutes.write',
          lastWriteAt: null,
        });
        return access.level;
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
        // A probe of a foreign plan stays anonymous; the care team's names its patient.
        patientId: role ? scope!.patientId : null,
        teamId: role ? scope!.teamId : null,
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
      opened.set(identity, {
        entry: { ...audit, details: { doc: parsed.kind } },
        write: 'plan.doc.write',
        lastWriteAt: null,
      });
      return level;
    },

    admitted: (identity) => watch.track(identity.sessionId),

    wrote(identity) {
      const doc = opened.get(identity);
      const now = ctx.clock.now();
      if (!doc || (doc.lastWriteAt !== null && now - doc.lastWriteAt < WRITE_AUDIT_EVERY_MS))
        return;
      doc.lastWriteAt = now;
      record({ ...doc.entry, action: doc.write, outcome: 'success' });
    },

    refused(identity) {
      const doc = opened.get(identity);
      if (!doc) return;
      record({
        ...doc.entry,
        action: 'access.denied',
        outcome: 'denied',
        details: { ...doc.entry.details, reason: 'read_only' },
      });
    },
  };
}
