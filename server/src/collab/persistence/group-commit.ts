import type { Logger } from '../../log.ts';
import type { CollabStore, StoredUpdate } from './store.ts';

type Item = { row: StoredUpdate; done: () => void; waiters?: (() => void)[] };

export type GroupCommitOptions = {
  /** Rows per write at most. */
  maxRows?: number;
  /** First retry delay after a failed write; doubles up to 5 s. */
  retryMs?: number;
  /**
   * Least time from the start of one write to the start of the next. Rows
   * wait at most this long for company, and the database sees at most
   * 1000 / minGapMs writes a second however many documents are busy.
   */
  minGapMs?: number;
};

/**
 * Appends rows to the store in batches: while one write is in flight, new rows
 * queue up and go out together in the next one, so latency stays at about one
 * round trip under any load and the database sees few large writes instead of
 * one per keystroke. A write starts after the current turn of the event loop
 * (every change that arrived in the same turn goes with it) and no sooner
 * than `minGapMs` after the previous write started. Rows are written in the
 * order they were added; a failed write is retried (with the same rows) until
 * it succeeds, because a row the server dropped would be a change a client
 * was never told is lost.
 */
export class GroupCommit {
  private queue: Item[] = [];
  private running: Promise<void> | null = null;
  private readonly maxRows: number;
  private readonly retryMs: number;
  private readonly minGapMs: number;
  private lastStart = -Infinity;
  private stopped = false;
  /** Totals for benchmarks and health. */
  readonly stats = { batches: 0, rows: 0, bytes: 0, failures: 0, slowestWriteMs: 0 };

  constructor(
    private readonly store: CollabStore,
    private readonly log: Logger,
    opts: GroupCommitOptions = {},
  ) {
    this.maxRows = opts.maxRows ?? 1000;
    this.retryMs = opts.retryMs ?? 100;
    this.minGapMs = opts.minGapMs ?? 0;
  }

  /** Queues a row; `done` runs once it is durable. */
  add(row: StoredUpdate, done: () => void): void {
    this.queue.push({ row, done });
    this.running ??= this.run();
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Resolves once every row added so far is durable. Rows added later do not
   * hold it up, so a flush ends even while other documents keep writing.
   */
  flush(): Promise<void> {
    const last = this.queue[this.queue.length - 1];
    if (!last) return Promise.resolve();
    return new Promise((resolve) => (last.waiters ??= []).push(resolve));
  }

  /** Stops retrying; rows still queued stay unacknowledged, so their authors send them again elsewhere. */
  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.stopped) {
        await this.gather();
        if (this.stopped) return;
        this.lastStart = performance.now();
        const batch = this.queue.slice(0, this.maxRows);
        if (!(await this.write(batch))) return;
        this.queue.splice(0, batch.length);
        for (const item of batch) {
          item.done();
          for (const w of item.waiters ?? []) w();
        }
      }
    } finally {
      this.running = null;
    }
  }

  /** Lets the rows of this turn, and of the rest of the gap, join the next write. */
  private gather(): Promise<void> {
    const wait = this.lastStart + this.minGapMs - performance.now();
    return new Promise((resolve) => {
      if (wait > 0) setTimeout(resolve, wait);
      else setImmediate(resolve);
    });
  }

  /** False when stopped before the batch could be written. */
  private async write(batch: Item[]): Promise<boolean> {
    const rows = batch.map((i) => i.row);
    for (let attempt = 0; ; attempt++) {
      try {
        const started = performance.now();
        await this.store.append(rows);
        this.stats.slowestWriteMs = Math.max(
          this.stats.slowestWriteMs,
          performance.now() - started,
        );
        this.stats.batches++;
        this.stats.rows += rows.length;
        for (const r of rows) this.stats.bytes += r.update.length;
        return true;
      } catch (err) {
        this.stats.failures++;
        this.log.warn(
          { err: err instanceof Error ? err.message : String(err), rows: rows.length, attempt },
          'collab update log write failed; retrying',
        );
        if (this.stopped) return false;
        await new Promise((r) => setTimeout(r, Math.min(this.retryMs * 2 ** attempt, 5000)));
      }
    }
  }
}
