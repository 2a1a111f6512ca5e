import { Router, type CookieOptions, type Request } from 'express';
import {
  ChangePasswordRequest,
  LoginRequest,
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_COOKIE,
  type DeviceKeyResponse,
  type MeResponse,
  type SessionResponse,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { validateBody } from '../http/validate.ts';
import { requireUser, sessionOf, userOf } from './authenticate.ts';
import type { ResolvedSession } from './sessions.ts';
import { createAuthService } from './service.ts';
import { deviceKeyOf } from './device-keys.ts';

function describeSession(ctx: AppContext, session: ResolvedSession): MeResponse {
  const { sessionId: _sessionId, ...user } = session.user;
  return {
    user,
    session: {
      idleExpiresAt: session.idleExpiresAt.toISOString(),
      absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
    },
    passwordChangeDue: session.passwordChangeDue,
    crisisLines: ctx.config.crisisLines,
  };
}

export function authRoutes(ctx: AppContext): Router {
  const auth = createAuthService(ctx);
  const router = Router();
  const cookie: CookieOptions = {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl?.startsWith('https://') ?? false,
    path: '/',
    maxAge: SESSION_ABSOLUTE_TIMEOUT_MS,
  };

  // A malformed attempt is a failed sign-in too (no account named: the body was not read).
  const malformedLogin = (req: Request) =>
    ctx.audit.record({
      action: 'auth.login',
      outcome: 'failure',
      requestId: req.id,
      ip: req.ip ?? null,
      details: { reason: 'invalid_request' },
    });

  router.post('/auth/login', validateBody(LoginRequest, malformedLogin), async (req, res) => {
    const body = req.body as LoginRequest;
    const { user, token } = await auth.login(body.email, body.password, {
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      requestId: req.id,
    });
    res.cookie(SESSION_COOKIE, token, cookie);
    res.json({ user, token });
  });

  router.post('/auth/logout', requireUser(ctx, { whileFirstPassword: true }), async (req, res) => {
    await auth.logout(userOf(req), { ip: req.ip ?? null, requestId: req.id });
    res.clearCookie(SESSION_COOKIE, { ...cookie, maxAge: undefined });
    res.status(204).end();
  });

  router.post(
    '/auth/password',
    requireUser(ctx, { whileFirstPassword: true }),
    validateBody(ChangePasswordRequest),
    async (req, res) => {
      const body = req.body as ChangePasswordRequest;
      await auth.changePassword(userOf(req), body.currentPassword, body.newPassword, {
        ip: req.ip ?? null,
        requestId: req.id,
      });
      res.status(204).end();
    },
  );

  router.get('/auth/me', requireUser(ctx, { whileFirstPassword: true }), (req, res) => {
    res.json(describeSession(ctx, req.session!));
  });

  router.get('/auth/device-key', requireUser(ctx), async (req, res) => {
    const key = await deviceKeyOf(ctx, userOf(req).id);
    res.json({ key: Buffer.from(key).toString('base64') } satisfies DeviceKeyResponse);
  });

  // Asked before the app knows whether anyone is signed in (the login page, the first
  // load): a visitor without a session is neither refused nor audited as refused.
  router.get('/auth/session', async (req, res) => {
    const session = await sessionOf(ctx, req);
    res.json(session ? describeSession(ctx, session) : ({ user: null } satisfies SessionResponse));
  });

  return router;
}
