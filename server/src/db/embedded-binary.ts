import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childProcessEnv } from '../env.ts';

/**
 * Builds the embedded database (tools/embedded-db) and caches the binary
 * under .cache/embedded-db, keyed by a hash of its sources and patches.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sourceDir = path.join(repoRoot, 'tools/embedded-db');
const patchDir = path.join(sourceDir, 'patches');
const cacheDir = path.join(repoRoot, '.cache/embedded-db');
/**
 * The modules the build patches, by the prefix of their patches' file names:
 * FerretDB itself, and the memory allocator of the SQLite port it runs on.
 */
const PATCHED_MODULES: Record<string, string> = {
  'ferretdb-': 'github.com/FerretDB/FerretDB',
  'modernc-memory-': 'modernc.org/memory',
};

export class EmbeddedDbError extends Error {}

function patches(): string[] {
  return existsSync(patchDir)
    ? readdirSync(patchDir)
        .filter((f) => f.endsWith('.patch'))
        .sort()
        .map((f) => path.join(patchDir, f))
    : [];
}

/** The module a patch applies to, from its file name. */
function moduleOf(patch: string): string {
  const name = path.basename(patch);
  const prefix = Object.keys(PATCHED_MODULES).find((p) => name.startsWith(p));
  if (!prefix)
    throw new EmbeddedDbError(
      `${name} names no module: patches start with ${Object.keys(PATCHED_MODULES).join(', ')}.`,
    );
  return PATCHED_MODULES[prefix]!;
}

/** Hash of the launcher's sources and patches: a change to any of them makes the cached binary stale. */
function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) h.update(readFileSync(path.join(sourceDir, f)));
  for (const p of patches()) h.update(path.basename(p)).update(readFileSync(p));
  return h.digest('hex').slice(0, 16);
}

/** Builds the launcher unless an up-to-date binary is cached; returns its path. */
export function ensureEmbeddedDbBinary(log: (msg: string) => void = () => {}): string {
  const hash = sourceHash();
  const binary = path.join(cacheDir, `embedded-db-${hash}`);
  if (existsSync(binary)) return binary;

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new EmbeddedDbError(
      'The embedded database needs Go to build it: install Go (https://go.dev/dl/), or set MONGODB_URI to use your own MongoDB.',
    );
  }
  log('Building the embedded database (first start only, takes a minute or two)…');
  mkdirSync(cacheDir, { recursive: true });
  const work = path.join(cacheDir, `build-${process.pid}`);
  const tmp = `${binary}.tmp-${process.pid}`;
  try {
    const modfile = patchedModfile(work);
    const build = spawnSync('go', ['build', '-trimpath', '-modfile', modfile, '-o', tmp, '.'], {
      cwd: sourceDir,
      env: childProcessEnv({ CGO_ENABLED: '0' }),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (build.status !== 0)
      throw new EmbeddedDbError('Building the embedded database failed (see the Go output above).');
    renameSync(tmp, binary);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
  // Older builds are useless once the sources changed.
  for (const f of readdirSync(cacheDir)) {
    const full = path.join(cacheDir, f);
    if (full !== binary && f.startsWith('embedded-db-')) rmSync(full, { force: true });
  }
  return binary;
}

/**
 * Each patched module (PATCHED_MODULES) with its patches applied, in a copy
 * in `work`, and a go.mod that points the build at the copies (the
 * repository's go.mod stays as it is). Returns the alternate go.mod for
 * `go build -modfile`.
 */
function patchedModfile(work: string): string {
  const byModule = new Map<string, string[]>();
  for (const p of patches()) {
    const module = moduleOf(p);
    byModule.set(module, [...(byModule.get(module) ?? []), p]);
  }
  const replaces: string[] = [];
  for (const [module, list] of byModule) {
    // The version go.mod requires, as the build would use it.
    const download = run('go', ['mod', 'download', '-json', module], sourceDir);
    const original = (JSON.parse(download.stdout) as { Dir: string }).Dir;
    const copy = path.join(work, module.replaceAll('/', '_'));
    cpSync(original, copy, { recursive: true });
    makeWritable(copy); // the module cache is read-only
    // Outside any repository, so that git applies the patch as is (inside one it skips
    // paths outside the current directory without a word).
    const git = { GIT_CEILING_DIRECTORIES: work };
    for (const p of list) run('git', ['apply', '--whitespace=nowarn', p], copy, git);
    replaces.push(`replace ${module} => ${copy}`);
  }

  const modfile = path.join(work, 'build.mod');
  const gomod = readFileSync(path.join(sourceDir, 'go.mod'), 'utf8');
  writeFileSync(modfile, `${gomod}\n${replaces.join('\n')}\n`);
  // -modfile reads the go.sum next to it.
  cpSync(path.join(sourceDir, 'go.sum'), modfile.replace(/\.mod$/, '.sum'));
  return modfile;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  const res = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: childProcessEnv(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.error || res.status !== 0) {
    throw new EmbeddedDbError(
      `Building the embedded database failed: \`${command} ${args.join(' ')}\` ${res.error ? `could not run (${res.error.message})` : `exited with ${res.status}`}.`,
    );
  }
  return res;
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else chmodSync(full, 0o644);
  }
}
