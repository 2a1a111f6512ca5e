import type { Logger } from '../log.ts';
import { CollabDocument, type DocumentDeps } from './document.ts';

/**
 * The documents this instance has loaded. Connections to the same document
 * share one load; a document with no connections left is unloaded after
 * `idleMs`, and a new connection meanwhile keeps it.
 */
export class DocRegistry {
  private docs = new Map<string, CollabDocument>();
  /** Unloads still writing; a new load of the same document waits for them. */
  private unloading = new Map<string, Promise<void>>();
  private idleTimers = new Map<CollabDocument, NodeJS.Timeout>();

  constructor(
    private readonly deps: DocumentDeps,
    private readonly idleMs: number,
    private readonly log: Logger,
  ) {}

  acquire(name: string): CollabDocument {
    let doc = this.docs.get(name);
    if (!doc) {
      doc = new CollabDocument(name, this.deps, (d) => this.forget(d));
      this.docs.set(name, doc);
      void doc.load(this.unloading.get(name));
    }
    this.cancelIdle(doc);
    return doc;
  }

  /** A connection left; unload the document once nobody has been connected for a while. */
  released(doc: CollabDocument): void {
    if (doc.conns.size > 0 || this.docs.get(doc.name) !== doc || this.idleTimers.has(doc)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(doc);
      if (doc.conns.size === 0) this.unload(doc);
    }, this.idleMs);
    timer.unref();
    this.idleTimers.set(doc, timer);
  }

  get(name: string): CollabDocument | undefined {
    return this.docs.get(name);
  }

  all(): CollabDocument[] {
    return [...this.docs.values()];
  }

  /** Unloads everything and waits for the writes. */
  async closeAll(): Promise<void> {
    for (const doc of this.all()) {
      this.cancelIdle(doc);
      this.unload(doc);
    }
    await Promise.all(this.unloading.values());
  }

  private unload(doc: CollabDocument): void {
    this.forget(doc);
    const done = doc
      .unload()
      .catch((err: unknown) =>
        this.log.error(
          { docName: doc.name, err: err instanceof Error ? err.message : String(err) },
          'collab document unload failed',
        ),
      )
      .finally(() => {
        if (this.unloading.get(doc.name) === done) this.unloading.delete(doc.name);
      });
    this.unloading.set(doc.name, done);
  }

  private forget(doc: CollabDocument): void {
    if (this.docs.get(doc.name) === doc) this.docs.delete(doc.name);
    this.cancelIdle(doc);
  }

  private cancelIdle(doc: CollabDocument): void {
    const t = this.idleTimers.get(doc);
    if (t) clearTimeout(t);
    this.idleTimers.delete(doc);
  }
}
