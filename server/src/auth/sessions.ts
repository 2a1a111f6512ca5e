import type { Types } from 'mongoose';
import {
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_IDLE_TIMEOUT_MS,
  type PublicUser,
  type Role,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { userModel } from '../users/model.ts';
import { sessionModel } from './model.ts';
import { newToken, sessionIdOf } from './tokens.ts';
import { sessionEndedChannel } from './session-watch.ts';

/** The signed-in person behind a request or socket. */
export type AuthUser = PublicUser & { sessionId: string };

export type ResolvedSession = {
  user: AuthUser;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  passwordChangeDue: boolean;
};

// Refreshing lastSeenAt on every request would write on every read; a few seconds of slack is harmless.
const TOUCH_INTERVAL_MS = 15_000;

/**
 * Opens a session for a user whose password was just checked. `credentialEpoch` is the
 * one read together with the hash that was checked, not a fresh read: if the password
 * was replaced in between, the session is born stale and resolveToken refuses it.
 */
export async function createSession(
  ctx: AppContext,
  user: { _id: Types.ObjectId; credentialEpoch?: number | null },
  meta: { ip: string | null; userAgent: string | null },
): Promise<{ token: string; sessionId: string }> {
  const token = newToken();
  const now = new Date(ctx.clock.now());
  const sessionId = sessionIdOf(token);
  await sessionModel(ctx.conn).create({
    _id: sessionId,
    userId: user._id,
    createdAt: now,
    lastSeenAt: now,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 256) ?? null,
    credentialEpoch: user.credentialEpoch ?? 0,
  });
  return { token, sessionId };
}

/**
 * Looks a token up and enforces idle and absolute expiry and the password it was opened
 * with; a session that fails any of them is ended on the spot.
 */
export async function resolveToken(
  ctx: AppContext,
  token: string,
): Promise<ResolvedSession | null> {
  if (token.length < 20 || token.length > 128) return null;
  const Sessions = sessionModel(ctx.conn);
  const sessionId = sessionIdOf(token);
  const s = await Sessions.findById(sessionId).lean();
  if (!s || s.endedAt) return null;
  const now = ctx.clock.now();
  const idleExpiresAt = s.lastSeenAt.getTime() + SESSION_IDLE_TIMEOUT_MS;
  const absoluteExpiresAt = s.createdAt.getTime() + SESSION_ABSOLUTE_TIMEOUT_MS;
  if (now >= absoluteExpiresAt || now >= idleExpiresAt) {
    const reason = now >= absoluteExpiresAt ? 'absolute_timeout' : 'idle_timeout';
    if (await endSession(ctx, sessionId, reason)) {
      await ctx.audit.record({
        actorId: String(s.userId),
        action: 'auth.session_expired',
        outcome: 'success',
        details: { reason },
      });
    }
    return null;
  }
  const user = await userModel(ctx.conn).findById(s.userId).lean();
  if (!user || user.status !== 'active') {
    await endSession(ctx, sessionId, 'account_inactive');
    return null;
  }
  // Opened with a password that has since been replaced. The session that replaced it
  // keeps working: the user document names it in the same update that bumped the epoch.
  const current =
    (s.credentialEpoch ?? 0) === (user.credentialEpoch ?? 0) ||
    user.credentialSession === sessionId;
  if (!current) {
    await endSession(ctx, sessionId, 'password_changed');
    return null;
  }
  let lastSeen = s.lastSeenAt.getTime();
  if (now - lastSeen >= TOUCH_INTERVAL_MS) {
    lastSeen = now;
    await Sessions.updateOne(
      { _id: sessionId, endedAt: null },
      { $set: { lastSeenAt: new Date(now) } },
    );
  }
  return {
    user: {
      id: String(user._id),
      name: user.name,
      email: user.email,
      role: user.role as Role,
      sessionId,
    },
    idleExpiresAt: new Date(lastSeen + SESSION_IDLE_TIMEOUT_MS),
    absoluteExpiresAt: new Date(absoluteExpiresAt),
    passwordChangeDue: user.passwordChangeDue === true,
  };
}

/**
 * Ends a session everywhere: stored as ended, and every instance closes its
 * sockets. Resolves to false when it had already ended.
 */
export async function endSession(
  ctx: AppContext,
  sessionId: string,
  reason: string,
): Promise<boolean> {
  const res = await sessionModel(ctx.conn).updateOne(
    { _id: sessionId, endedAt: null },
    { $set: { endedAt: new Date(ctx.clock.now()), endReason: reason } },
  );
  if (res.modifiedCount > 0) {
    ctx.events.emit('session:ended', sessionId);
    await ctx.redis?.publish(sessionEndedChannel(ctx), sessionId).catch(() => {});
  }
  return res.modifiedCount > 0;
}

/** Of the given session ids, those that are no longer valid (ended or expired) at `now`. */
export async function invalidSessions(ctx: AppContext, sessionIds: string[]): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const now = ctx.clock.now();
  const rows = await sessionModel(ctx.conn)
    .find({ _id: { $in: sessionIds } }, { endedAt: 1, lastSeenAt: 1, createdAt: 1 })
    .lean();
  const valid = new Set(
    rows
      .filter(
        (s) =>
          !s.endedAt &&
          now < s.lastSeenAt.getTime() + SESSION_IDLE_TIMEOUT_MS &&
          now < s.createdAt.getTime() + SESSION_ABSOLUTE_TIMEOUT_MS,
      )
      .map((s) => s._id),
  );
  return sessionIds.filter((id) => !valid.has(id));
}
