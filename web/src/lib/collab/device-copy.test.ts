import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DeviceCopy } from './device-copy.ts';
import type { DeviceStash, KeptEdits } from './stash.ts';

/** An in-memory stash whose writes finish when the test says so. */
class HeldStash implements DeviceStash {
  readonly records = new Map<string, Uint8Array>();
  writes = 0;
  fail = false;
  #release: (() => void)[] = [];

  #wait(): Promise<void> {
    this.writes++;
    return new Promise((resolve, reject) =>
      this.#release.push(() => (this.fail ? reject(new Error('quota')) : resolve())),
    );
  }

  async keep(doc: string, tab: number, update: Uint8Array): Promise<void> {
    await this.#wait();
    this.records.set(`${doc}/${tab}`, update);
  }

  async drop(doc: string, tab: number): Promise<void> {
    await this.#wait();
    this.records.delete(`${doc}/${tab}`);
  }

  async kept(): Promise<KeptEdits[]> {
    return [];
  }

  async list(prefix: string): Promise<{ doc: string; savedAt: number }[]> {
    return [...this.records.keys()]
      .map((key) => ({ doc: key.slice(0, key.lastIndexOf('/')), savedAt: 0 }))
      .filter((r) => r.doc.startsWith(prefix));
  }

  /** Lets every write started so far finish. */
  async settle(): Promise<void> {
    const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
    await turn();
    while (this.#release.length > 0) {
      for (const release of this.#release.splice(0)) release();
      await turn();
    }
  }
}

/** A Yjs document whose local changes feed a DeviceCopy, counted like the save tracker counts them. */
function editing(stash: HeldStash) {
  const doc = new Y.Doc();
  const copy = new DeviceCopy('plan:1:care', 7, Promise.resolve(stash), () => {});
  let version = 0;
  doc.on('update', (update: Uint8Array) => copy.change(++version, update));
  const text = doc.getText('t');
  return { copy, type: (s: string) => text.insert(text.length, s), version: () => version };
}

/** The text a stored record brings back into an empty document. */
function restore(record: Uint8Array | undefined): string {
  const doc = new Y.Doc();
  if (record) Y.applyUpdate(doc, record);
  return doc.getText('t').toString();
}

describe('DeviceCopy', () => {
  it('is kept only once the record covering the newest change is written', async () => {
    const stash = new HeldStash();
    const { copy, type } = editing(stash);
    await Promise.resolve();
    expect(copy.kept).toBe(true);

    type('a');
    expect(copy.kept).toBe(false);
    type('b'); // arrives during the first write: goes in the next one
    await stash.settle();
    expect(copy.kept).toBe(true);
    expect(stash.writes).toBe(2);
    expect(restore(stash.records.get('plan:1:care/7'))).toBe('ab');
  });

  it('forgets what the server stored and deletes the record once it stored everything', async () => {
    const stash = new HeldStash();
    const { copy, type } = editing(stash);
    type('a');
    type('b');
    await stash.settle();
    copy.saved(1);
    await stash.settle();
    // Yjs can only bring 'b' back together with 'a', which the server has: the record is b's alone.
    const rest = stash.records.get('plan:1:care/7');
    expect(rest).toBeDefined();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, rest!);
    expect(doc.store.pendingStructs).not.toBeNull();

    copy.saved(2);
    await stash.settle();
    expect(stash.records.size).toBe(0);
    expect(copy.kept).toBe(true);
  });

  it('merges a long run of changes into one, dropped only once the newest is stored', async () => {
    const stash = new HeldStash();
    const { copy, type, version } = editing(stash);
    for (let i = 0; i < 200; i++) type(String(i % 10));
    await stash.settle();
    expect(restore(stash.records.get('plan:1:care/7'))).toHaveLength(200);
    // Stored through the middle of the merged run: the whole run stays on the device.
    copy.saved(100);
    await stash.settle();
    expect(restore(stash.records.get('plan:1:care/7'))).toHaveLength(200);
    copy.saved(version());
    await stash.settle();
    expect(stash.records.size).toBe(0);
  });

  it('is not kept when the device refuses the write, and tries again with the next change', async () => {
    const stash = new HeldStash();
    const { copy, type } = editing(stash);
    stash.fail = true;
    type('a');
    await stash.settle();
    expect(copy.kept).toBe(false);
    stash.fail = false;
    type('b');
    await stash.settle();
    expect(copy.kept).toBe(true);
    expect(restore(stash.records.get('plan:1:care/7'))).toBe('ab');
  });

  it('keeps nothing of changes that can never be stored, so leaving asks first', async () => {
    const stash = new HeldStash();
    const { copy, type } = editing(stash);
    type('a');
    await stash.settle();
    copy.discard();
    type('b');
    await stash.settle();
    expect(stash.records.size).toBe(0);
    expect(copy.kept).toBe(false);
  });
});
