import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Express, RequestHandler } from 'express';
import type { Config } from './env.ts';
import type { Logger } from './log.ts';

const defaultBuildDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../web/build',
);

/** Where SvelteKit puts the app's scripts and styles, under names that change with each build. */
const ASSETS = '/_app/immutable/';

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
  app.use(ASSETS, goneAssets(path.join(dir, 'client', ASSETS)));
  app.use(mod.handler);
}

/**
 * The handler lists the built files once, at start, and streams a listed file
 * without handling a failed open: a file removed since (a new build written
 * over the running one, which a tab still on the old build asks for) would
 * take the whole server down. Such a request is answered 404 here instead.
 */
function goneAssets(root: string): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let file: string;
    try {
      file = path.join(root, decodeURIComponent(req.path));
    } catch {
      return res.status(400).end();
    }
    if (!file.startsWith(root)) return next();
    access(file).then(
      () => next(),
      () => res.status(404).end(),
    );
  };
}
