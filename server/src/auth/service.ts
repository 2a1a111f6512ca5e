import type { Types } from 'mongoose';
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
/** How long an account counts as known at an address after signing in from it. */
const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;

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
  /** Whether the account has signed in from this address lately (its sessions keep the address). */
  const knownAt = async (userId: Types.ObjectId, ip: string | null) =>
    ip !== null &&
    (await sessionModel(ctx.conn).exists({
      userId,
      ip,
      createdAt: { $gte: new Date(ctx.clock.now() - KNOWN_ADDRESS_MS) },
    })) !== null;

  return {
    async login(email, password, meta) {
      const account = email.toLowerCase();
      const ipKey = meta.ip ?? 'unknown';
      const denied = async (retryAfterMs: number) => {
        await ctx.audit.record({
          action: 'auth.login',
          outcome: 'denied',
          requestId: meta.requestId,
          ip: meta.ip,
          details: { reason: 'rate_limited' },
        });
        return tooManyRequests(
          retryAfterMs / 1000,
          'Too many sign-in attempts. Wait a few minutes and try again.',
        );
      };

      // Counted before the password is checked, so concurrent attempts cannot all pass
      // a check that none of them has been counted in yet; a success gives them back.
      const [a, i] = await Promise.all([byAccount.hit(account), byIp.hit(ipKey)]);
      if (!a.allowed) throw await denied(a.retryAfterMs);
      const user = await Users.findOne({ email: account }).lean();
      // The per-address limit slows one address guessing at many accounts. It must not
      // let that address lock everyone else out (all of a clinic, or all users behind a
      // balancer read as one address), nor answer whether a password is right once over
      // it. So over the limit, only accounts that have signed in from this address lately
      // may still try; others are refused untried. Those may still be guessed at, but only
      // within the per-account limit, which holds for everyone.
      if (!i.allowed && !(user && (await knownAt(user._id, meta.ip)))) {
        throw await denied(i.retryAfterMs);
      }

      const ok = user?.passwordHash
        ? await verifyPassword(user.passwordHash, password)
        : await verifyPassword(await dummyHash(), password);
      if (!user || !ok || user.status !== 'active') {
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

      await Promise.all([byAccount.reset(account), byIp.undo(ipKey)]);
      // `user` carries the epoch read with the hash just checked (see createSession).
      const { token, sessionId } = await createSession(ctx, user, meta);
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
      const failed = async (reason: string) => {
        await ctx.audit.record({
          ...audit,
          outcome: 'failure',
          requestId: meta.requestId,
          ip: meta.ip,
          details: { reason },
        });
        return new AppError(403, 'invalid_credentials', 'The current password is not correct.');
      };
      // The same per-account budget as sign-in, counted first for the same reason:
      // a stolen session must not become a password oracle.
      const allowed = await byAccount.hit(account);
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
        throw await failed('bad_credentials');
      }
      // Replaces only the hash just checked: a reset landing meanwhile is not overwritten.
      // The epoch bump refuses every session opened with the old password, also those a
      // racing sign-in stores after the sweep below; naming this session in the same
      // update keeps the caller signed in.
      const changed = await Users.updateOne(
        { _id: user.id, passwordHash: stored.passwordHash },
        {
          $set: {
            passwordHash: await hashPassword(newPassword),
            passwordChangeDue: false,
            credentialSession: user.sessionId,
          },
          $inc: { credentialEpoch: 1 },
        },
      );
      if (changed.modifiedCount === 0) throw await failed('password_replaced');
      await byAccount.reset(account);
      // Ended now rather than at their next request, so their open pages and sockets close.
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
