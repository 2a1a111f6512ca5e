import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.ts';
import { passwordChangeRequired, unauthenticated } from '../errors.ts';
import { resolveToken, type AuthUser, type ResolvedSession } from './sessions.ts';
import { tokenFromRequest } from './tokens.ts';

/** Resolves the session of an HTTP request or websocket upgrade; null when signed out or expired. */
export async function sessionOf(
  ctx: AppContext,
  req: IncomingMessage,
  opts: { allowQueryToken?: boolean } = {},
): Promise<ResolvedSession | null> {
  const token = tokenFromRequest(req, { allowQuery: opts.allowQueryToken ?? false });
  return token ? resolveToken(ctx, token) : null;
}

/**
 * Route step: sets `req.user` or answers 401 (and audits the refusal). A
 * session of an account that still has a first password a coordinator was
 * shown gets 403 `password_change_required`, except where `whileFirstPassword`
 * lets it through (reading the session, changing the password, signing out).
 */
export function requireUser(
  ctx: AppContext,
  opts: { whileFirstPassword?: boolean } = {},
): RequestHandler {
  return async (req, _res, next) => {
    const refuse = async (reason: string, error: Error) => {
      await ctx.audit.record({
        actorId: req.user?.id ?? null,
        actorRole: req.user?.role ?? null,
        action: 'access.denied',
        outcome: 'denied',
        resourceType: 'endpoint',
        resourceId: `${req.method} ${req.baseUrl}${req.path}`.slice(0, 200),
        requestId: req.id,
        ip: req.ip ?? null,
        details: { reason },
      });
      next(error);
    };
    // Routers nest ('/plans' and '/plans/:planId/comments'): resolve the session once per request.
    if (!req.user) {
      const session = await sessionOf(ctx, req);
      if (!session) return refuse('unauthenticated', unauthenticated());
      req.user = session.user;
      req.session = session;
    }
    if (req.session?.passwordChangeDue && !opts.whileFirstPassword) {
      return refuse('password_change_required', passwordChangeRequired());
    }
    next();
  };
}

/** The signed-in user of a request that passed requireUser. */
export function userOf(req: Request): AuthUser {
  if (!req.user) throw unauthenticated();
  return req.user;
}
