import type { AppContext } from '../context.ts';
import { tooManyRequests, AppError } from '../errors.ts';
import { createRateLimiter, type RateLimiter } from '../http/rate-limit.ts';
import { userModel } from '../users/model.ts';
import { dummyHash, hashPassword, verifyPassword } from './passwords.ts';
import { sessionModel } from './model.ts';
import { createSession, endSession, type AuthUser } from './sessions.ts';
import type { PublicUser, Role } from '@tandem/shared';

const WINDOW_MS = 15 * 60 * 1000;
/** Failed sign-ins allowed per account and per IP address in 15 minutes. */
export const LOGIN_LIMITS = { perAccount: 5, perIp: 30 } as const;

export type AuthService = {
  login(
    email: string,
    password: string,
    meta: { ip: string | null; userAgent: string | null; requestId: string },
  ): Promise<{ user: PublicUser; token: string; sessionId: string }>;
  logout(user: AuthUser, meta: { ip: string | null; requestId: string }): Promise<void>;
  /** Replaces the caller's password; the account's other sessions end. */
  changePassword(
    user: AuthUser,
    currentPassword: string,
    newPassword: string,
    meta: { ip: string | null; requestId: string },
  ): Promise<void>;
};

export function createAuthService(ctx: AppContext): AuthService {
  const prefix = `tandem:${ctx.conn.name}:login`;
  const byAccount: RateLimiter = createRateLimiter(ctx.redis, ctx.clock, {
    windowMs: WINDOW_MS,
    max: LOGIN_LIMITS.perAccount,
    prefix: `${prefix}:account`,
  });
  const byIp: RateLimiter = createRateLimiter(ctx.redis, ctx.clock, {
    windowMs: WINDOW_MS,
    max: LOGIN_LIMITS.perIp,
    prefix: `${prefix}:ip`,
  });
  const Users = userModel(ctx.conn);

  return {
    async login(email, password, meta) {
      const account = email.toLowerCase();
      const ipKey = meta.ip ?? 'unknown';
      const [a, i] = await Promise.all([byAccount.peek(account), byIp.peek(ipKey)]);
      if (!a.allowed || !i.allowed) {
        await ctx.audit.record({
          action: 'auth.login',
          outcome: 'denied',
          requestId: meta.requestId,
          ip: meta.ip,
          details: { reason: 'rate_limited' },
        });
        throw tooManyRequests(
          Math.max(a.retryAfterMs, i.retryAfterMs) / 1000,
          'Too many sign-in attempts. Wait a few minutes and try again.',
        );
      }

      const user = await Users.findOne({ email: account }).lean();
      const ok = user?.passwordHash
        ? await verifyPassword(user.passwordHash, password)
        : await verifyPassword(await dummyHash(), password);
      if (!user || !ok || user.status !== 'active') {
        await Promise.all([byAccount.hit(account), byIp.hit(ipKey)]);
        await ctx.audit.record({
          actorId: user ? String(user._id) : null,
          actorRole: user?.role ?? null,
          action: 'auth.login',
          outcome: 'failure',
          requestId: meta.requestId,
          ip: meta.ip,
          details: { reason: !user || !ok ? 'bad_credentials' : 'account_inactive' },
        });
        throw new AppError(401, 'invalid_credentials', 'The email or password is not correct.');
      }

      await byAccount.reset(account);
      const { token, sessionId } = await createSession(ctx, user._id, meta);
      await ctx.audit.record({
        actorId: String(user._id),
        actorRole: user.role,
        action: 'auth.login',
        outcome: 'success',
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return {
        user: { id: String(user._id), name: user.name, email: user.email, role: user.role as Role },
        token,
        sessionId,
      };
    },

    async changePassword(user, currentPassword, newPassword, meta) {
      const account = user.email.toLowerCase();
      const audit = { actorId: user.id, actorRole: user.role, action: 'auth.password_change' };
      // The same per-account budget as sign-in: a stolen session must not become a password oracle.
      const allowed = await byAccount.peek(account);
      if (!allowed.allowed) {
        await ctx.audit.record({
          ...audit,
          outcome: 'denied',
          requestId: meta.requestId,
          ip: meta.ip,
          details: { reason: 'rate_limited' },
        });
        throw tooManyRequests(
          allowed.retryAfterMs / 1000,
          'Too many attempts. Wait a few minutes.',
        );
      }
      const stored = await Users.findById(user.id, { passwordHash: 1 }).lean();
      if (!stored?.passwordHash || !(await verifyPassword(stored.passwordHash, currentPassword))) {
        await byAccount.hit(account);
        await ctx.audit.record({
          ...audit,
          outcome: 'failure',
          requestId: meta.requestId,
          ip: meta.ip,
          details: { reason: 'bad_credentials' },
        });
        throw new AppError(403, 'invalid_credentials', 'The current password is not correct.');
      }
      await Users.updateOne(
        { _id: user.id },
        { $set: { passwordHash: await hashPassword(newPassword), passwordChangeDue: false } },
      );
      const others = await sessionModel(ctx.conn)
        .find({ userId: user.id, endedAt: null, _id: { $ne: user.sessionId } }, { _id: 1 })
        .lean();
      for (const s of others) await endSession(ctx, s._id, 'password_changed');
      await ctx.audit.record({
        ...audit,
        outcome: 'success',
        requestId: meta.requestId,
        ip: meta.ip,
        details: { otherSessionsEnded: others.length },
      });
    },

    async logout(user, meta) {
      await endSession(ctx, user.sessionId, 'logout');
      await ctx.audit.record({
        actorId: user.id,
        actorRole: user.role,
        action: 'auth.logout',
        outcome: 'success',
        requestId: meta.requestId,
        ip: meta.ip,
      });
    },
  };
}
