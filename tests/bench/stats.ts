import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared by the benchmarks: percentiles, rounding and where results go. */

/** The p-th percentile of an ascending array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

export const r2 = (n: number) => Math.round(n * 100) / 100;

/** CPU seconds of a process, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Context switches of all of a process's threads so far, from /proc (Linux). */
export function contextSwitches(pid: number): number {
  let n = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      for (const m of status.matchAll(/ctxt_switches:\s+(\d+)/g)) n += Number(m[1]);
    } catch {
      // The thread ended while we looked.
    }
  }
  return n;
}

/**
 * TLB shootdowns on all CPUs so far, from /proc/interrupts (Linux): each one
 * stops a CPU to flush its address cache because a thread elsewhere unmapped
 * memory, so they delay whatever runs there, the server under test included.
 */
export function tlbShootdowns(): number {
  const line = readFileSync('/proc/interrupts', 'utf8')
    .split('\n')
    .find((l) => l.trim().startsWith('TLB:'));
  if (!line) return 0;
  return line
    .trim()
    .split(/\s+/)
    .slice(1)
    .filter((f) => /^\d+$/.test(f))
    .reduce((n, f) => n + Number(f), 0);
}

const resultsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../bench/results',
);

/** Writes `result` to bench/results/<name>-<time>.json and returns the path. */
export function writeResult(name: string, result: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(
    resultsDir,
    `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
