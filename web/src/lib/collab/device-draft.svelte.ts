import { KeptRecord } from './kept-record.ts';
import { deviceStash, type DeviceStash } from './stash.ts';

/** Something written and not sent yet, as an earlier visit on this device left it. */
export type Earlier<T> = { value: T; savedAt: number };

/**
 * Something a person is writing that is not sent yet (half-answered check-in,
 * a message to the care team), kept on the device as it changes, sealed like
 * unsaved plan edits (stash.ts), so that a phone dropping the page in the
 * background, a closed tab or a person who steps away loses none of it. One
 * record per person and `doc`; deleted once sent or given up.
 */
export class DeviceDraft<T> {
  /** The device holds the value as it is now. */
  kept = $state(false);
  #value: T | null = null;
  /** This tab has written the draft since it opened: what the device holds is ours. */
  #touched = false;
  #earlier: Promise<Earlier<T> | null> | null = null;
  readonly #stash: Promise<DeviceStash | null>;
  readonly #record: KeptRecord;

  constructor(
    userId: string,
    private readonly doc: string,
    private readonly options: {
      /** Older drafts are deleted unread. */
      maxAgeMs: number;
      /** The stored value, if it is one this draft can hold. */
      parse: (stored: unknown) => T | null;
    },
  ) {
    this.#stash = deviceStash(userId);
    this.#record = new KeptRecord(
      doc,
      0,
      this.#stash,
      () => (this.#value === null ? null : new TextEncoder().encode(JSON.stringify(this.#value))),
      () => (this.kept = this.#record.kept),
    );
  }

  /**
   * What an earlier visit left, read once; null once this tab has written the
   * draft itself (sent, given up or changed it).
   */
  async earlier(): Promise<Earlier<T> | null> {
    this.#earlier ??= this.#read();
    const earlier = await this.#earlier;
    return this.#touched ? null : earlier;
  }

  /** The value now; null when there is nothing to keep (empty, sent or given up). */
  save(value: T | null): void {
    this.#touched = true;
    this.#value = value;
    this.#record.changed();
    this.kept = this.#record.kept;
  }

  async #read(): Promise<Earlier<T> | null> {
    const stash = await this.#stash;
    const [kept] = stash ? await stash.kept(this.doc) : [];
    if (!kept) return null;
    let value: T | null = null;
    try {
      value = this.options.parse(JSON.parse(new TextDecoder().decode(kept.update)));
    } catch {
      // Not a draft this version of the app wrote: nothing to give back.
    }
    if (value !== null && Date.now() - kept.savedAt < this.options.maxAgeMs) {
      return { value, savedAt: kept.savedAt };
    }
    if (!this.#touched) await stash!.drop(this.doc, kept.tab);
    return null;
  }
}
