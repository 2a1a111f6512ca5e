import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import {
  US_CRISIS_LINES,
  type CrisisLines,
  type MeResponse,
  type PublicUser,
  type SessionResponse,
} from '@tandem/shared';
import { api, setSessionLostHandler } from './api.ts';
import { closeRealtime, realtime } from './realtime.ts';
import { forgetDeviceKeys } from './collab/stash.ts';

/** Why the login page was opened; it explains each to the person signing in. */
export type LoginReason = 'expired' | 'signed-out';

/** Ask the server to extend the session at most this often while the person is active. */
export const KEEPALIVE_INTERVAL_MS = 60_000;
/** Warn this long before an idle sign-out, so the person can stay signed in. */
const IDLE_WARNING_MS = 60_000;

type SessionState = {
  user: PublicUser | null;
  /** When the server ends the session for inactivity (ms since epoch). */
  idleExpiresAt: number | null;
  absoluteExpiresAt: number | null;
  /** True in the last minute before an idle sign-out. */
  expiringSoon: boolean;
  /** Signed in with a first password a coordinator handed over: the person chooses their own. */
  passwordChangeDue: boolean;
  /** This deployment's crisis numbers (the server's configuration). */
  crisisLines: CrisisLines;
};

export const session: SessionState = $state({
  user: null,
  idleExpiresAt: null,
  absoluteExpiresAt: null,
  expiringSoon: false,
  passwordChangeDue: false,
  crisisLines: US_CRISIS_LINES,
});

function apply(me: MeResponse): void {
  session.user = me.user;
  session.idleExpiresAt = Date.parse(me.session.idleExpiresAt);
  session.absoluteExpiresAt = Date.parse(me.session.absoluteExpiresAt);
  session.expiringSoon = false;
  session.passwordChangeDue = me.passwordChangeDue;
  session.crisisLines = me.crisisLines;
}

/**
 * The signed-in user, or null when there is no session. Asks /auth/session,
 * which answers a signed-out visitor without a refusal. Failures throw ApiError.
 */
export async function loadSession(): Promise<PublicUser | null> {
  const current = await api<SessionResponse>('/auth/session');
  if (current.user === null) {
    clear();
    return null;
  }
  apply(current);
  return session.user;
}

function clear(): void {
  session.user = null;
  session.idleExpiresAt = null;
  session.absoluteExpiresAt = null;
  session.expiringSoon = false;
  session.passwordChangeDue = false;
  closeRealtime();
  forgetDeviceKeys();
}

/** Ends the session on the server (every tab and socket of it) and shows the login page. */
export async function signOut(): Promise<void> {
  const wasSignedIn = session.user !== null;
  clear();
  try {
    await api<void>('/auth/logout', { method: 'POST' });
  } catch {
    // Already signed out or offline: the cookie is gone or will be refused either way.
  }
  if (wasSignedIn) await goto(resolve('/login?reason=signed-out'));
  else await goto(resolve('/login'));
}

/**
 * The session ended under the person's feet (expiry, sign-out in another tab):
 * back to the login page with a message. Also for a collab socket closed as unauthenticated.
 */
export async function sessionLost(): Promise<void> {
  if (session.user === null) return;
  clear();
  await goto(resolve('/login?reason=expired'));
}

/**
 * Keeps a signed-in tab's session honest while it is open: extends it on
 * activity (websocket traffic does not count as activity on the server),
 * warns before an idle sign-out, and returns to the login page when the
 * server reports the session gone — by a 401 or Socket.IO's `session:ended`.
 * Returns the cleanup for the signed-in layout to run on unmount.
 */
export function keepSessionAlive(): () => void {
  let lastPing = Date.now();
  let inFlight = false;

  const ping = async () => {
    if (inFlight || session.user === null) return;
    inFlight = true;
    lastPing = Date.now();
    try {
      apply(await api<MeResponse>('/auth/me'));
    } catch {
      // 401 is handled by the session-lost handler; being offline is shown elsewhere.
    } finally {
      inFlight = false;
    }
  };

  const onActivity = () => {
    if (Date.now() - lastPing >= KEEPALIVE_INTERVAL_MS) void ping();
  };

  // Checks the clock against the server's deadlines; cheap enough to run every few seconds.
  const tick = () => {
    const { idleExpiresAt, absoluteExpiresAt } = session;
    if (idleExpiresAt === null) return;
    const now = Date.now();
    const deadline = Math.min(idleExpiresAt, absoluteExpiresAt ?? Infinity);
    if (now >= deadline) {
      // Ask rather than assume: the session may have been extended from another tab.
      void ping();
      return;
    }
    session.expiringSoon =
      idleExpiresAt <= (absoluteExpiresAt ?? Infinity) && idleExpiresAt - now <= IDLE_WARNING_MS;
  };

  const events = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'pointermove'] as const;
  for (const e of events) window.addEventListener(e, onActivity, { passive: true });
  const onVisible = () => {
    if (document.visibilityState === 'visible') void ping();
  };
  document.addEventListener('visibilitychange', onVisible);
  const timer = setInterval(tick, 5_000);

  setSessionLostHandler(() => void sessionLost());
  const socket = realtime();
  const onEnded = () => void sessionLost();
  // A refused handshake means the cookie no longer names a live session.
  const onConnectError = (err: Error & { data?: { code?: string } }) => {
    if (err.data?.code === 'unauthenticated') void sessionLost();
  };
  socket.on('session:ended', onEnded);
  socket.on('connect_error', onConnectError);

  return () => {
    for (const e of events) window.removeEventListener(e, onActivity);
    document.removeEventListener('visibilitychange', onVisible);
    clearInterval(timer);
    setSessionLostHandler(null);
    socket.off('session:ended', onEnded);
    socket.off('connect_error', onConnectError);
  };
}

/** Extends the session now (the "Stay signed in" button). */
export async function extendSession(): Promise<void> {
  apply(await api<MeResponse>('/auth/me'));
}
