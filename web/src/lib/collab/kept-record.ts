import type { DeviceStash } from './stash.ts';

/**
 * One record the device keeps up to date with a value that changes: after
 * each change the newest value is sealed and stored (one write at a time;
 * changes made during a write go in the next), and a value of null deletes
 * the record. `kept` says whether the stored record is the newest value.
 */
export class KeptRecord {
  #stash: DeviceStash | null = null;
  #writing: Promise<void> | null = null;
  #again = false;
  /** Changes asked for, and how many of them the stored record reflects. */
  #changes = 0;
  #stored = 0;

  constructor(
    private readonly doc: string,
    private readonly tab: number,
    stash: Promise<DeviceStash | null>,
    /** The value to keep now; null when there is nothing to keep. */
    private readonly read: () => Uint8Array | null,
    private readonly onChange: () => void = () => {},
  ) {
    void stash.then((s) => {
      this.#stash = s;
      if (this.#changes > this.#stored) void this.#write();
      else this.onChange();
    });
  }

  /** The device holds the newest value. */
  get kept(): boolean {
    return this.#stash !== null && this.#stored >= this.#changes;
  }

  /** The value changed: store it. */
  changed(): void {
    this.#changes++;
    void this.#write();
  }

  /** Resolves once every change asked for so far is written (or failed). */
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
          const through = this.#changes;
          const value = this.read();
          if (value) await stash.keep(this.doc, this.tab, value);
          else await stash.drop(this.doc, this.tab);
          this.#stored = through;
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
