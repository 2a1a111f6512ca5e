/**
 * Where documents are kept. The engine only speaks this interface; the
 * MongoDB implementation lives in mongo-store.ts.
 */

/** One accepted change, as appended to the update log. */
export type StoredUpdate = {
  docName: string;
  update: Uint8Array;
  userId: string;
  /** Top-level sections the change touched. */
  sections: string[];
  at: Date;
};

export type LoadedDoc = {
  /** Snapshot first, then logged updates; applying them in any order gives the same document. */
  updates: Uint8Array[];
  bytes: number;
};

export type CompactionResult = { snapshotBytes: number; merged: number; parts: number };

export interface CollabStore {
  /** Creates collections and indexes; runs before the first connection is accepted. */
  init(): Promise<void>;
  /** The complete stored state of a document; throws when any part of it cannot be read. */
  load(docName: string): Promise<LoadedDoc>;
  /** Appends rows atomically per row; resolves once all are durable. Retrying after a failure is safe. */
  append(rows: StoredUpdate[]): Promise<void>;
  /** Merges the log into a new snapshot; null when there was nothing to merge or another instance won. */
  compact(docName: string): Promise<CompactionResult | null>;
}
