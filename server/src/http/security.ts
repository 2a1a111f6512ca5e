import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Security headers. The CSP allows the SvelteKit app's own scripts (with the
 * inline bootstrap it emits) and same-origin websockets for Socket.IO and /collab.
 */
export function securityHeaders(isDev: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'", 'ws:', 'wss:'],
        'frame-ancestors': ["'none'"],
        // TLS is terminated in front of Tandem when it is used; local http must keep working.
        'upgrade-insecure-requests': null,
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: isDev ? false : undefined,
  });
}
