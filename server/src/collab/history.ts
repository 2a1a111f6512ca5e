import type { Connection } from 'mongoose';
import { toBytes } from '../db/binary.ts';
import { collabModels } from './persistence/models.ts';

/** One stored change of a document: who, which sections, when. Never its content. */
export type ChangeRecord = {
  seq: number;
  userId: string;
  sections: string[];
  at: Date;
  bytes: number;
};

/**
 * Who changed a document (or one section of it) when, newest first: for the
 * plan history and the audit trail. Reads the update log and the attribution
 * that compaction kept, so the answer does not depend on whether the log
 * was compacted.
 */
export async function changeHistory(
  conn: Connection,
  docName: string,
  opts: { section?: string; since?: Date; limit?: number } = {},
): Promise<ChangeRecord[]> {
  const { Updates, History } = collabModels(conn);
  const filter = {
    docName,
    ...(opts.section ? { sections: opts.section } : {}),
    ...(opts.since ? { at: { $gte: opts.since } } : {}),
  };
  const limit = opts.limit ?? 100;
  const [live, kept] = await Promise.all([
    Updates.find(filter, { seq: 1, userId: 1, sections: 1, at: 1, update: 1 })
      .sort({ at: -1 })
      .limit(limit)
      .lean(),
    History.find(filter).sort({ at: -1 }).limit(limit).lean(),
  ]);
  const bySeq = new Map<number, ChangeRecord>();
  const record = (r: Omit<ChangeRecord, 'bytes'>, bytes: number) =>
    bySeq.set(r.seq, { seq: r.seq, userId: r.userId, sections: r.sections, at: r.at, bytes });
  for (const h of kept) record(h, h.bytes);
  // A row can be in both while a compaction is half done; the live one wins.
  for (const r of live) record(r, toBytes(r.update).length);
  return [...bySeq.values()]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq)
    .slice(0, limit);
}
