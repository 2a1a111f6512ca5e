import type { DeviceKeyResponse } from '@tandem/shared';
import { api } from '../api.ts';

/**
 * Edits this device holds until the server has stored them, kept in the
 * browser's IndexedDB, so that a closed tab, a crash or a flat battery while
 * offline loses nothing: the next time the person opens the document here,
 * signed in, the edits are sent.
 *
 * Each record is sealed with AES-GCM under the person's key from the server
 * (`GET /auth/device-key`), which never touches the disk: the copy on the
 * device reads as noise to anyone without the person's account, and another
 * person signing in on the same computer cannot open it. Records are per
 * person, document and tab (the Yjs client id), so two tabs never overwrite
 * each other's; the seal is bound to the person and document, so a record
 * cannot be passed off as another document's. Expiry is enforced here:
 * records older than KEEP_DAYS are deleted whenever the store is opened.
 */

/** How long a device keeps edits it could not send. */
export const KEEP_DAYS = 30;
const DB_NAME = 'tandem-device';
const STORE = 'unsent';

type RecordKey = [user: string, doc: string, tab: number];
type StoredRecord = {
  key: RecordKey;
  savedAt: number;
  iv: Uint8Array;
  sealed: ArrayBuffer;
};

/**
 * Fired on the window once a record was stored or deleted, for views that
 * list them; `detail` is the document's name.
 */
export const RECORDS_CHANGED = 'tandem:device-records';

/** One tab's edits of a document, as the device kept them. */
export type KeptEdits = { tab: number; update: Uint8Array; savedAt: number };

export interface DeviceStash {
  /** Seals `update` and stores it as everything this tab holds unsent for `doc`. */
  keep(doc: string, tab: number, update: Uint8Array): Promise<void>;
  drop(doc: string, tab: number): Promise<void>;
  /** Every tab's record for `doc` that opens with this person's key; others are deleted. */
  kept(doc: string): Promise<KeptEdits[]>;
  /** This person's records of documents whose names start with `prefix`: which, and when stored. */
  list(prefix: string): Promise<{ doc: string; savedAt: number }[]>;
}

const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

const finished = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });

async function openDatabase(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'key' });
  const db = await request(open);
  // Another tab may need to upgrade a later version: let it.
  db.onversionchange = () => db.close();
  const tx = db.transaction(STORE, 'readwrite');
  const oldest = Date.now() - KEEP_DAYS * 24 * 60 * 60 * 1000;
  const store = tx.objectStore(STORE);
  for (const record of await request(store.getAll() as IDBRequest<StoredRecord[]>)) {
    if (record.savedAt < oldest) store.delete(record.key);
  }
  await finished(tx);
  return db;
}

class SealedStash implements DeviceStash {
  readonly #encoder = new TextEncoder();

  constructor(
    private readonly db: IDBDatabase,
    private readonly user: string,
    private readonly key: CryptoKey,
  ) {}

  #bound(doc: string): Uint8Array<ArrayBuffer> {
    return this.#encoder.encode(`${this.user}\n${doc}`);
  }

  async keep(doc: string, tab: number, update: Uint8Array): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: this.#bound(doc) },
      this.key,
      update as Uint8Array<ArrayBuffer>,
    );
    const record: StoredRecord = { key: [this.user, doc, tab], savedAt: Date.now(), iv, sealed };
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(record);
    await finished(tx);
    dispatchEvent(new CustomEvent(RECORDS_CHANGED, { detail: doc }));
  }

  async drop(doc: string, tab: number): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete([this.user, doc, tab]);
    await finished(tx);
    dispatchEvent(new CustomEvent(RECORDS_CHANGED, { detail: doc }));
  }

  async list(prefix: string): Promise<{ doc: string; savedAt: number }[]> {
    // Names sort as strings; every name with the prefix lies below prefix + U+FFFF.
    const range = IDBKeyRange.bound([this.user, prefix, 0], [this.user, `${prefix}\uffff`, 0]);
    const tx = this.db.transaction(STORE, 'readonly');
    const records = await request(
      tx.objectStore(STORE).getAll(range) as IDBRequest<StoredRecord[]>,
    );
    return records.map((r) => ({ doc: r.key[1], savedAt: r.savedAt }));
  }

  async kept(doc: string): Promise<KeptEdits[]> {
    const range = IDBKeyRange.bound([this.user, doc, 0], [this.user, doc, Number.MAX_VALUE]);
    const tx = this.db.transaction(STORE, 'readonly');
    const records = await request(
      tx.objectStore(STORE).getAll(range) as IDBRequest<StoredRecord[]>,
    );
    const out: KeptEdits[] = [];
    for (const record of records) {
      const tab = record.key[2];
      try {
        const plain = await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: record.iv as Uint8Array<ArrayBuffer>,
            additionalData: this.#bound(doc),
          },
          this.key,
          record.sealed,
        );
        out.push({ tab, update: new Uint8Array(plain), savedAt: record.savedAt });
      } catch {
        // Sealed under a key this person no longer has, or damaged: it can never be sent.
        await this.drop(doc, tab);
      }
    }
    return out;
  }
}

async function openStash(user: string): Promise<DeviceStash | null> {
  // Without IndexedDB or Web Crypto (a private window in some browsers, a page not
  // served over HTTPS) edits live in the tab only, and leaving asks first (unsaved.ts).
  if (typeof indexedDB === 'undefined' || !globalThis.crypto?.subtle) return null;
  try {
    const { key } = await api<DeviceKeyResponse>('/auth/device-key');
    const raw = Uint8Array.from(atob(key), (c) => c.charCodeAt(0));
    const cryptoKey = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    return new SealedStash(await openDatabase(), user, cryptoKey);
  } catch {
    return null;
  }
}

const opened = new Map<string, Promise<DeviceStash | null>>();

/** Signed out: the tab lets go of every key it was given, so no later script in it can use one. */
export function forgetDeviceKeys(): void {
  opened.clear();
}

/** This person's stash on this device, opened once per tab; null when the device cannot keep edits. */
export function deviceStash(user: string): Promise<DeviceStash | null> {
  let stash = opened.get(user);
  if (!stash) {
    stash = openStash(user);
    opened.set(user, stash);
    // A failure (offline at that moment) is tried again by the next document opened.
    void stash.then((s) => {
      if (!s) opened.delete(user);
    });
  }
  return stash;
}
