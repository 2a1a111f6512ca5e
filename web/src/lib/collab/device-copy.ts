import * as Y from 'yjs';
import type { DeviceStash } from './stash.ts';

/** Past this many held changes they are merged into one, so each write stays quick to build. */
const MERGE_AFTER = 64;

/**
 * The device's copy of one tab's unsaved edits of one document: every change
 * made here that the server has not yet acknowledged as stored, written to
 * the stash after each change (one write at a time; changes made during a
 * write go in the next) and deleted once the server has them all.
 */
export class DeviceCopy {
  /** Local changes not acknowledged yet, by the save tracker's version that counted them. */
  #held: { version: number; update: Uint8Array }[] = [];
  #latest = 0;
  /** The newest held version the device's record covers. */
  #keptThrough = 0;
  #stash: DeviceStash | null = null;
  #writing: Promise<void> | null = null;
  #again = false;
  #discarded = false;

  constructor(
    private readonly doc: string,
    private readonly tab: number,
    stash: Promise<DeviceStash | null>,
    private readonly onChange: () => void,
  ) {
    void stash.then((s) => {
      this.#stash = s;
      if (this.#held.length > 0) void this.#write();
    });
  }

  /** The device holds every change the server has not stored; never after `discard`. */
  get kept(): boolean {
    if (this.#discarded || !this.#stash) return false;
    return this.#held.length === 0 || this.#keptThrough >= this.#latest;
  }

  /** A change made here, counted by the save tracker as `version`. */
  change(version: number, update: Uint8Array): void {
    if (this.#discarded) return;
    this.#held.push({ version, update });
    this.#latest = version;
    if (this.#held.length > MERGE_AFTER) {
      // Acknowledged only once the newest of them is: kept a little longer, never dropped early.
      this.#held = [{ version, update: Y.mergeUpdates(this.#held.map((h) => h.update)) }];
    }
    this.onChange();
    void this.#write();
  }

  /** The server has stored every change up to `version`. */
  saved(version: number): void {
    const before = this.#held.length;
    this.#held = this.#held.filter((h) => h.version > version);
    if (this.#held.length !== before) void this.#write();
  }

  /**
   * These changes can never be stored (refused, no access any more): the
   * device forgets them and keeps no later ones, which build on them.
   */
  discard(): void {
    this.#discarded = true;
    this.#held = [];
    void this.#write();
  }

  /** Resolves once the device's record is up to date; true when it holds every unsaved change. */
  async flush(): Promise<boolean> {
    while (this.#writing) await this.#writing;
    return this.kept;
  }

  #write(): Promise<void> {
    if (!this.#stash) return Promise.resolve();
    if (this.#writing) {
      this.#again = true;
      return this.#writing;
    }
    const stash = this.#stash;
    this.#writing = (async () => {
      try {
        do {
          this.#again = false;
          const through = this.#latest;
          if (this.#held.length === 0) await stash.drop(this.doc, this.tab);
          else
            await stash.keep(this.doc, this.tab, Y.mergeUpdates(this.#held.map((h) => h.update)));
          this.#keptThrough = through;
          this.onChange();
        } while (this.#again);
      } catch {
        // The store refused (full, closed by the browser): `kept` stays false, so leaving asks first.
      } finally {
        this.#writing = null;
      }
    })();
    return this.#writing;
  }
}
