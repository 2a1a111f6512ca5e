import type { Logger } from '../../log.ts';
import type { CollabStore } from './store.ts';

/**
 * Merges update logs into snapshots in the background, one document at a
 * time, so that compaction never competes with group commit for more than
 * one database round trip at once.
 */
export class Compactor {
  private queue = new Set<string>();
  private running: Promise<void> | null = null;
  private closed = false;
  readonly stats = { runs: 0, merged: 0 };

  constructor(
    private readonly store: CollabStore,
    private readonly log: Logger,
  ) {}

  request(docName: string): void {
    if (this.closed) return;
    this.queue.add(docName);
    this.running ??= this.run();
  }

  /** Resolves when the queue is empty (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.clear();
    await this.idle();
  }

  private async run(): Promise<void> {
    try {
      for (const docName of this.queue) {
        this.queue.delete(docName);
        try {
          const res = await this.store.compact(docName);
          if (res) {
            this.stats.runs++;
            this.stats.merged += res.merged;
            this.log.debug({ docName, ...res }, 'collab document compacted');
          }
        } catch (err) {
          this.log.warn(
            { docName, err: err instanceof Error ? err.message : String(err) },
            'collab compaction failed',
          );
        }
      }
    } finally {
      this.running = null;
    }
  }
}
