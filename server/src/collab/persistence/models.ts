import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * The update log: every change a client made, appended before the client is
 * told it is saved. Rows are merged into a snapshot and deleted by compaction;
 * their attribution moves to `collab_history` first.
 */
const UpdateSchema = new Schema(
  {
    docName: { type: String, required: true },
    seq: { type: Number, required: true },
    update: { type: Buffer, required: true },
    userId: { type: String, required: true },
    /** Top-level sections the change touched (names only, never content). */
    sections: { type: [String], default: [] },
    at: { type: Date, required: true },
  },
  { collection: 'collab_updates', versionKey: false },
);
UpdateSchema.index({ docName: 1, seq: 1 }, { unique: true });

/** Who changed which sections of a document when: kept after compaction, for history and audit. */
const HistorySchema = new Schema(
  {
    docName: { type: String, required: true },
    seq: { type: Number, required: true },
    userId: { type: String, required: true },
    sections: { type: [String], default: [] },
    at: { type: Date, required: true },
    bytes: { type: Number, required: true },
  },
  { collection: 'collab_history', versionKey: false },
);
HistorySchema.index({ docName: 1, seq: 1 }, { unique: true });
HistorySchema.index({ docName: 1, at: 1 });

/**
 * One person's stretch of editing a document (see `mergeStretches`), kept up
 * by compaction so that "who edited this plan lately" reads a few records
 * instead of every change ever made.
 */
const EditSchema = new Schema(
  {
    docName: { type: String, required: true },
    userId: { type: String, required: true },
    sections: { type: [String], default: [] },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
  },
  { collection: 'collab_edits', versionKey: false },
);
EditSchema.index({ docName: 1, userId: 1 });

/**
 * Concurrency between instances rests on unique indexes only: an insert
 * either claims its key or fails, so no writer waits for another.
 */

/** Sequence numbers are handed out in blocks; inserting a block is claiming it. */
const SeqBlockSchema = new Schema(
  {
    docName: { type: String, required: true },
    block: { type: Number, required: true },
  },
  { collection: 'collab_seq_blocks', versionKey: false },
);
SeqBlockSchema.index({ docName: 1, block: 1 }, { unique: true });

/**
 * Snapshot versions of a document; the highest `v` is current. Compaction
 * publishes version v+1 by inserting it, so of two instances compacting the
 * same document only one can win, and the loser discards its work.
 */
const SnapshotSchema = new Schema(
  {
    docName: { type: String, required: true },
    v: { type: Number, required: true },
    /** Id of this version's parts. */
    snap: { type: String, required: true },
    parts: { type: Number, required: true },
    bytes: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'collab_snapshots', versionKey: false },
);
SnapshotSchema.index({ docName: 1, v: 1 }, { unique: true });

/** A snapshot is split into parts so a large document never meets the 16 MB limit of one record. */
const SnapshotPartSchema = new Schema(
  {
    docName: { type: String, required: true },
    snap: { type: String, required: true },
    i: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { collection: 'collab_snapshot_parts', versionKey: false },
);
SnapshotPartSchema.index({ docName: 1, snap: 1, i: 1 }, { unique: true });

export type UpdateRow = InferSchemaType<typeof UpdateSchema>;
export type HistoryRow = InferSchemaType<typeof HistorySchema>;
export type EditRow = InferSchemaType<typeof EditSchema>;
export type SeqBlock = InferSchemaType<typeof SeqBlockSchema>;
export type Snapshot = InferSchemaType<typeof SnapshotSchema>;
export type SnapshotPart = InferSchemaType<typeof SnapshotPartSchema>;

export type UpdateModel = Model<UpdateRow>;
export type HistoryModel = Model<HistoryRow>;
export type EditModel = Model<EditRow>;
export type SeqBlockModel = Model<SeqBlock>;
export type SnapshotModel = Model<Snapshot>;
export type SnapshotPartModel = Model<SnapshotPart>;

export type CollabModels = {
  Updates: UpdateModel;
  History: HistoryModel;
  Edits: EditModel;
  SeqBlocks: SeqBlockModel;
  Snapshots: SnapshotModel;
  Parts: SnapshotPartModel;
};

/** Per-connection models (several servers share one process in tests). */
export function collabModels(conn: Connection): CollabModels {
  return {
    Updates:
      (conn.models.CollabUpdate as UpdateModel | undefined) ??
      conn.model('CollabUpdate', UpdateSchema),
    History:
      (conn.models.CollabHistory as HistoryModel | undefined) ??
      conn.model('CollabHistory', HistorySchema),
    Edits:
      (conn.models.CollabEdit as EditModel | undefined) ?? conn.model('CollabEdit', EditSchema),
    SeqBlocks:
      (conn.models.CollabSeqBlock as SeqBlockModel | undefined) ??
      conn.model('CollabSeqBlock', SeqBlockSchema),
    Snapshots:
      (conn.models.CollabSnapshot as SnapshotModel | undefined) ??
      conn.model('CollabSnapshot', SnapshotSchema),
    Parts:
      (conn.models.CollabSnapshotPart as SnapshotPartModel | undefined) ??
      conn.model('CollabSnapshotPart', SnapshotPartSchema),
  };
}
