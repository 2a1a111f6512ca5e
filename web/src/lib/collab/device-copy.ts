import * as Y from 'yjs';
import { KeptRecord } from './kept-record.ts';
import type { DeviceStash } from './stash.ts';

/** Past this many held changes they are merged into one, so each write stays quick to build. */
const MERGE_AFTER = 64;

/**
 * The device's copy of one tab's unsaved edits of one document: every change
 * made here that the server has not yet acknowledged as stored, kept in the
 * stash after each change and deleted once the server has them all.
 */
export class DeviceCopy {
  /** Local changes not acknowledged yet, by the save tracker's version that counted them. */
  #held: { version: number; update: Uint8Array }[] = [];
  #discarded = false;
  readonly #record: KeptRecord;

  constructor(doc: string, tab: number, stash: Promise<DeviceStash | null>, onChange: () => void) {
    this.#record = new KeptRecord(
      doc,
      tab,
      stash,
      () => (this.#held.length > 0 ? Y.mergeUpdates(this.#held.map((h) => h.update)) : null),
      onChange,
    );
  }

  /** The device holds every change the server has not stored; never after `discard`. */
  get kept(): boolean {
    return !this.#discarded && this.#record.kept;
  }

  /** A change made here, counted by the save tracker as `version`. */
  change(version: number, update: Uint8Array): void {
    if (this.#discarded) return;
    this.#held.push({ version, update });
    if (this.#held.length > MERGE_AFTER) {
      // Acknowledged only once the newest of them is: kept a little longer, never dropped early.
      this.#held = [{ version, update: Y.mergeUpdates(this.#held.map((h) => h.update)) }];
    }
    this.#record.changed();
  }

  /** The server has stored every change up to `version`. */
  saved(version: number): void {
    const before = this.#held.length;
    this.#held = this.#held.filter((h) => h.version > version);
    if (this.#held.length !== before) this.#record.changed();
  }

  /**
   * These changes can never be stored (refused, no access any more): the
   * device forgets them and keeps no later ones, which build on them.
   */
  discard(): void {
    this.#discarded = true;
    this.#held = [];
    this.#record.changed();
  }

  /** Resolves once the device's record is up to date; true when it holds every unsaved change. */
  flush(): Promise<boolean> {
    return this.#record.flush().then(() => this.kept);
  }
}
