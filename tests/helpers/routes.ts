import type { Express } from 'express';

type Layer = {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
};

export type LiveRoute = { method: string; path: string };

/**
 * Every route registered on an Express 5 app, with the full path it is
 * mounted at (`/api/v1/plans/:planId`), found by walking `app.router.stack`
 * and the routers mounted in it. Plain middleware is not a route.
 */
export function expressRoutes(app: Express): LiveRoute[] {
  const out: LiveRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const raw = layer.rawPath === undefined ? ['/'] : [layer.rawPath].flat();
      for (const p of raw) {
        if (typeof p !== 'string') {
          throw new Error(
            `A route is mounted at ${String(p)}; the route table needs string paths.`,
          );
        }
        const path = prefix + (p === '/' && !layer.route ? '' : p);
        if (layer.route) {
          for (const m of Object.keys(layer.route.methods)) {
            out.push({ method: m === '_all' ? 'ALL' : m.toUpperCase(), path });
          }
        } else if (Array.isArray(layer.handle?.stack)) {
          walk(layer.handle.stack, path);
        }
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}
