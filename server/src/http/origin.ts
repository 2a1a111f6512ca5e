import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests whose Origin is not this site (CSRF defence
 * beside SameSite cookies). Requests without Origin come from non-browser
 * clients using bearer tokens, which a foreign page cannot forge.
 */
export function sameOriginOnly(
  publicUrl: string | undefined,
  onRefused: (req: Request) => Promise<void> = async () => {},
): RequestHandler {
  const allowed = publicUrl ? new URL(publicUrl).origin : null;
  return async (req, _res, next) => {
    if (SAFE.has(req.method)) return next();
    const origin = req.get('origin');
    if (!origin) return next();
    const own = `${req.protocol}://${req.get('host')}`;
    if (origin === own || origin === allowed) return next();
    await onRefused(req);
    next(
      new AppError(403, 'foreign_origin', 'This request came from another site and was refused.'),
    );
  };
}
