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
 * One row per document: the sequence counter (handed out in blocks) and the
 * current snapshot version. Compaction swaps versions with a compare-and-set
 * on `v`, so two instances compacting the same document cannot lose rows.
 */
const DocHeadSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The highest log sequence number handed out. */
    nextSeq: { type: Number, default: 0 },
    /** Compare-and-set counter, bumped by every snapshot swap. */
    v: { type: Number, default: 0 },
    /** Id of the current snapshot's parts; each compaction writes under a fresh id. */
    snap: { type: String, default: null },
    parts: { type: Number, default: 0 },
    bytes: { type: Number, default: 0 },
    compactedAt: { type: Date, default: null },
  },
  { collection: 'collab_docs', versionKey: false },
);

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
export type DocHead = InferSchemaType<typeof DocHeadSchema>;
export type SnapshotPart = InferSchemaType<typeof SnapshotPartSchema>;

export type UpdateModel = Model<UpdateRow>;
export type HistoryModel = Model<HistoryRow>;
export type DocHeadModel = Model<DocHead>;
export type SnapshotPartModel = Model<SnapshotPart>;

export type CollabModels = {
  Updates: UpdateModel;
  History: HistoryModel;
  Heads: DocHeadModel;
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
    Heads:
      (conn.models.CollabDoc as DocHeadModel | undefined) ?? conn.model('CollabDoc', DocHeadSchema),
    Parts:
      (conn.models.CollabSnapshotPart as SnapshotPartModel | undefined) ??
      conn.model('CollabSnapshotPart', SnapshotPartSchema),
  };
}
