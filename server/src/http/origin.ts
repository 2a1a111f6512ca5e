import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../env.ts';
import { AppError } from '../errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const ELSEWHERE = new Set(['same-site', 'cross-site']);

/** Where this site is served: its public URL, and whether X-Forwarded-Proto is believed. */
export type SiteOrigin = Pick<Config, 'publicUrl' | 'trustProxy'>;

/** The request's own `protocol://host`, read as Express reads `req.protocol` when trust proxy is a boolean. */
function ownOrigin(req: IncomingMessage, trustProxy: boolean): string {
  let protocol = (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
  const forwarded = req.headers['x-forwarded-proto'];
  if (trustProxy && typeof forwarded === 'string' && forwarded) {
    protocol = forwarded.split(',')[0]!.trim();
  }
  return `${protocol}://${req.headers.host}`;
}

/**
 * Whether a browser page of another origin sent this request (a sibling subdomain or another
 * port counts as another origin, though SameSite=Lax still sends it our cookie). Foreign when
 * Origin is present and is neither the request's own `protocol://host` nor publicUrl's origin;
 * without Origin, foreign only when the browser says `Sec-Fetch-Site: same-site | cross-site`.
 * A request with neither header (a non-browser client) is not foreign. Works on a raw
 * IncomingMessage, so the REST middleware, Socket.IO and websocket upgrades share one rule.
 */
export function isForeignRequest(req: IncomingMessage, site: SiteOrigin): boolean {
  const origin = req.headers.origin;
  if (!origin) return ELSEWHERE.has(String(req.headers['sec-fetch-site'] ?? ''));
  if (origin === ownOrigin(req, site.trustProxy)) return false;
  return !site.publicUrl || origin !== new URL(site.publicUrl).origin;
}

/** Whether the request carries `Authorization: Bearer`, which a foreign page cannot forge. */
export function hasBearer(req: IncomingMessage): boolean {
  return req.headers.authorization?.startsWith('Bearer ') === true;
}

/**
 * Refuses state-changing requests from a foreign page (CSRF defence beside SameSite cookies).
 * A foreign Origin is refused whatever the credential. A request without Origin is a
 * non-browser client and passes, unless the browser's Sec-Fetch-Site says it came from
 * elsewhere and it does not carry a bearer token (so the cookie is what would let it in).
 */
export function sameOriginOnly(
  site: SiteOrigin,
  onRefused: (req: Request) => Promise<void> = async () => {},
): RequestHandler {
  return async (req, _res, next) => {
    if (SAFE.has(req.method) || !isForeignRequest(req, site)) return next();
    if (!req.headers.origin && hasBearer(req)) return next();
    await onRefused(req);
    next(
      new AppError(403, 'foreign_origin', 'This request came from another site and was refused.'),
    );
  };
}
