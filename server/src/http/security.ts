import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Security headers for every answer, except the CSP: pages get theirs from
 * SvelteKit (`kit.csp` in web/svelte.config.js), which allows the app's own
 * scripts and its inline bootstrap by hash, so no injected inline script runs.
 * A CSP set here would also ride on the handler's 304 answers, which carry
 * none of their own, and a browser revalidating a page would take it over.
 */
export function securityHeaders(isDev: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: isDev ? false : undefined,
  });
}

/**
 * API answers are about patients and sessions: no browser or proxy keeps a
 * copy, and opened as a page, one runs, loads and frames nothing.
 */
export const apiHeaders: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  res.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  next();
};
