import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '@tandem/shared';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Sessions are stored under the token's hash; the hash doubles as the session id in logs and events. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(raw.replace(/^"(.*)"$/, '$1'));
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

/**
 * The credential of a request: `Authorization: Bearer`, then the session cookie,
 * then `?token=` (only for websocket upgrades, which cannot set headers in browsers).
 */
export function tokenFromRequest(
  req: IncomingMessage,
  opts: { allowQuery?: boolean } = {},
): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (cookie) return cookie;
  if (opts.allowQuery && req.url) {
    const q = new URL(req.url, 'http://localhost').searchParams.get('token');
    if (q) return q;
  }
  return null;
}
