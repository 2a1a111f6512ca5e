import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Express, RequestHandler } from 'express';
import type { Config } from './env.ts';
import type { Logger } from './log.ts';

const defaultBuildDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../web/build',
);

/**
 * Mounts the built SvelteKit app (adapter-node's `handler`) so one origin
 * serves UI, API, Socket.IO and /collab. In development Vite serves the UI and
 * proxies the rest here, so a missing build is only worth a hint.
 */
export async function mountWeb(app: Express, config: Config, log: Logger): Promise<void> {
  const dir = config.webBuildDir ?? defaultBuildDir;
  const entry = path.join(dir, 'handler.js');
  if (!existsSync(entry)) {
    log.info('web build not found; serving the API only (run `npm run build:web`)');
    return;
  }
  const mod = (await import(pathToFileURL(entry).href)) as { handler: RequestHandler };
  app.use(mod.handler);
}
