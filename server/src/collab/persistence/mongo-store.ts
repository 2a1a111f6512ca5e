import { Types, type Connection } from 'mongoose';
import * as Y from 'yjs';
import { toBytes } from '../../db/binary.ts';
import { EDIT_PAUSE_MS, mergeStretches } from '../history.ts';
import { collabModels } from './models.ts';
import type { CollabStore, CompactionResult, LoadedDoc, StoredUpdate } from './store.ts';
import { isDuplicateKey } from '../../db/duplicate-key.ts';

export type MongoStoreOptions = {
  /** Snapshot part size; well under the 16 MB record limit. */
  partBytes?: number;
  /** Sequence numbers per claimed block. */
  seqBlock?: number;
  /** Rows merged per compaction at most; a longer log is merged over several runs. */
  compactRows?: number;
};

/**
 * The update log and snapshots in MongoDB (or FerretDB): plain inserts,
 * finds, deletes and single-record compare-and-set updates, no transactions.
 */
export function mongoCollabStore(conn: Connection, opts: MongoStoreOptions = {}): CollabStore {
  const partBytes = opts.partBytes ?? 4 * 1024 * 1024;
  const seqBlock = opts.seqBlock ?? 1000;
  const compactRows = opts.compactRows ?? 10_000;
  const { Updates, History, Edits, SeqBlocks, Snapshots, Parts } = collabModels(conn);

  // Seqs come in blocks per instance: unique across instances, one insert per block.
  const ranges = new Map<string, { next: number; end: number }>();
  const lastBlock = new Map<string, number>();
  // A retried append must reuse the seqs of its first attempt, so that duplicates are recognised.
  const assigned = new WeakMap<StoredUpdate, number>();

  async function claimBlock(docName: string): Promise<void> {
    let block = lastBlock.get(docName);
    for (let attempt = 0; attempt < 50; attempt++) {
      if (block === undefined) {
        const top = await SeqBlocks.findOne({ docName }).sort({ block: -1 }).lean();
        block = top?.block ?? -1;
      }
      block++;
      try {
        await SeqBlocks.create({ docName, block });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        block = undefined;
        continue;
      }
      lastBlock.set(docName, block);
      ranges.set(docName, { next: block * seqBlock + 1, end: (block + 1) * seqBlock + 1 });
      return;
    }
    throw new Error('could not claim a sequence block');
  }

  async function assignSeqs(rows: StoredUpdate[]): Promise<void> {
    for (const r of rows) {
      if (assigned.has(r)) continue;
      let range = ranges.get(r.docName);
      if (!range || range.next >= range.end) {
        await claimBlock(r.docName);
        range = ranges.get(r.docName)!;
      }
      assigned.set(r, range.next++);
    }
  }

  const current = (docName: string) => Snapshots.findOne({ docName }).sort({ v: -1 }).lean();

  /** Reads snapshot and rows, and starts over if a compaction published a new snapshot meanwhile. */
  async function load(docName: string): Promise<LoadedDoc> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const snapshot = await current(docName);
      const parts = snapshot
        ? await Parts.find({ docName, snap: snapshot.snap }).sort({ i: 1 }).lean()
        : [];
      if (parts.length !== (snapshot?.parts ?? 0)) continue;
      const rows = await Updates.find({ docName }, { update: 1 }).sort({ seq: 1 }).lean();
      const again = await current(docName);
      if ((again?.v ?? 0) !== (snapshot?.v ?? 0)) continue;
      const updates: Uint8Array[] = [];
      if (parts.length > 0) updates.push(concat(parts.map((p) => toBytes(p.data))));
      for (const r of rows) updates.push(toBytes(r.update));
      return { updates, bytes: updates.reduce((n, u) => n + u.length, 0) };
    }
    throw new Error('the document was compacted repeatedly while loading');
  }

  async function append(rows: StoredUpdate[]): Promise<void> {
    if (rows.length === 0) return;
    await assignSeqs(rows);
    await insertIgnoringDuplicates(
      Updates,
      rows.map((r) => ({
        docName: r.docName,
        seq: assigned.get(r)!,
        update: Buffer.from(r.update.buffer, r.update.byteOffset, r.update.byteLength),
        userId: r.userId,
        sections: r.sections,
        at: r.at,
      })),
    );
  }

  async function compact(docName: string): Promise<CompactionResult | null> {
    const snapshot = await current(docName);
    const v = snapshot?.v ?? 0;
    const parts = snapshot
      ? await Parts.find({ docName, snap: snapshot.snap }).sort({ i: 1 }).lean()
      : [];
    if (parts.length !== (snapshot?.parts ?? 0)) return null;
    const rows = await Updates.find({ docName }).sort({ seq: 1 }).limit(compactRows).lean();
    if (rows.length === 0) return null;

    const doc = new Y.Doc();
    let state: Uint8Array;
    try {
      doc.transact(() => {
        if (parts.length > 0) Y.applyUpdate(doc, concat(parts.map((p) => toBytes(p.data))));
        for (const r of rows) Y.applyUpdate(doc, toBytes(r.update));
      });
      state = Y.encodeStateAsUpdate(doc);
    } finally {
      doc.destroy();
    }

    // Attribution outlives the rows; inserting it first makes a crash here harmless. Chunks
    // keep each write short, so that group commits get their turn in between.
    for (const chunk of chunks(rows, WRITE_CHUNK))
      await insertIgnoringDuplicates(
        History,
        chunk.map((r) => ({
          docName,
          seq: r.seq,
          userId: r.userId,
          sections: r.sections,
          at: r.at,
          bytes: toBytes(r.update).length,
        })),
      );

    const snap = new Types.ObjectId().toHexString();
    const pieces: Uint8Array[] = [];
    for (let off = 0; off < state.length; off += partBytes)
      pieces.push(state.subarray(off, off + partBytes));
    for (const [i, piece] of pieces.entries())
      await Parts.create({ docName, snap, i, data: Buffer.from(piece) });
    try {
      await Snapshots.create({
        docName,
        v: v + 1,
        snap,
        parts: pieces.length,
        bytes: state.length,
        at: new Date(),
      });
    } catch (err) {
      await Parts.deleteMany({ docName, snap });
      if (isDuplicateKey(err)) return null; // another instance published v+1 first
      throw err;
    }
    // Between publishing and deleting: a crash in between leaves the rows, and the next
    // compaction adds them again, which changes nothing.
    await keepStretches(docName, rows);
    for (const chunk of chunks(rows, WRITE_CHUNK))
      await Updates.deleteMany({ _id: { $in: chunk.map((r) => r._id) } });
    if (snapshot) {
      await Parts.deleteMany({ docName, snap: snapshot.snap });
      await Snapshots.deleteMany({ docName, v: { $lte: v } });
    }
    return { snapshotBytes: state.length, merged: rows.length, parts: pieces.length };
  }

  /**
   * Folds the merged rows into the document's kept stretches of editing: a
   * stretch they continue grows, otherwise a new one starts. Only the winner
   * of a compaction gets here, so instances rarely update a stretch at once;
   * if they do, one may keep a slightly shorter stretch, while every change
   * stays in the history.
   */
  async function keepStretches(
    docName: string,
    rows: { userId: string; sections: string[]; at: Date }[],
  ): Promise<void> {
    const fresh = mergeStretches(
      rows.map((r) => ({ userId: r.userId, sections: r.sections, from: r.at, to: r.at })),
    );
    if (fresh.length === 0) return;
    const kept = await Edits.find({ docName, userId: { $in: fresh.map((s) => s.userId) } }).lean();
    for (const s of fresh) {
      const near = kept.find(
        (e) =>
          e.userId === s.userId &&
          e.from.getTime() - EDIT_PAUSE_MS <= s.to.getTime() &&
          s.from.getTime() <= e.to.getTime() + EDIT_PAUSE_MS,
      );
      if (!near) {
        kept.push((await Edits.create({ docName, ...s })).toObject());
        continue;
      }
      const from = s.from < near.from ? s.from : near.from;
      const to = s.to > near.to ? s.to : near.to;
      const sections = [...new Set([...near.sections, ...s.sections])];
      await Edits.updateOne({ _id: near._id }, { $set: { from, to, sections } });
      Object.assign(near, { from, to, sections });
    }
  }

  return {
    async init() {
      for (const m of [Updates, History, Edits, SeqBlocks, Snapshots, Parts]) {
        await m.createCollection().catch(() => {});
        await m.createIndexes();
      }
    },
    load,
    append,
    compact,
  };
}

/** Inserts through the driver (no per-document mongoose work on the hot path); duplicates are a retry's own rows. */
async function insertIgnoringDuplicates(
  model: { collection: { insertMany(docs: object[], opts: { ordered: false }): Promise<unknown> } },
  docs: object[],
): Promise<void> {
  try {
    await model.collection.insertMany(docs, { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { code?: number; err?: { code?: number } }[] })
      .writeErrors;
    const onlyDuplicates = Array.isArray(writeErrors)
      ? writeErrors.length > 0 && writeErrors.every((e) => (e.code ?? e.err?.code) === 11000)
      : isDuplicateKey(err);
    if (!onlyDuplicates) throw err;
  }
}

const WRITE_CHUNK = 500;

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of parts) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
