import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.ts';
import { unauthenticated } from '../errors.ts';
import { resolveToken, type AuthUser, type ResolvedSession } from './sessions.ts';
import { tokenFromRequest } from './tokens.ts';

/** Resolves the session of an HTTP request or websocket upgrade; null when signed out or expired. */
export async function authenticateRequest(
  ctx: AppContext,
  req: IncomingMessage,
  opts: { allowQueryToken?: boolean } = {},
): Promise<AuthUser | null> {
  return (await sessionOf(ctx, req, opts))?.user ?? null;
}

export async function sessionOf(
  ctx: AppContext,
  req: IncomingMessage,
  opts: { allowQueryToken?: boolean } = {},
): Promise<ResolvedSession | null> {
  const token = tokenFromRequest(req, { allowQuery: opts.allowQueryToken ?? false });
  return token ? resolveToken(ctx, token) : null;
}

/** Route step: sets `req.user` or answers 401 (and audits the refusal). */
export function requireUser(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    // Routers nest ('/plans' and '/plans/:planId/comments'): resolve the session once per request.
    if (req.user) return next();
    const session = await sessionOf(ctx, req);
    if (!session) {
      await ctx.audit.record({
        action: 'access.denied',
        outcome: 'denied',
        resourceType: 'endpoint',
        resourceId: `${req.method} ${req.baseUrl}${req.path}`.slice(0, 200),
        requestId: req.id,
        ip: req.ip ?? null,
        details: { reason: 'unauthenticated' },
      });
      return next(unauthenticated());
    }
    req.user = session.user;
    req.session = session;
    next();
  };
}

/** The signed-in user of a request that passed requireUser. */
export function userOf(req: Request): AuthUser {
  if (!req.user) throw unauthenticated();
  return req.user;
}
