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

/** A pause longer than this ends a person's stretch of editing. */
export const EDIT_PAUSE_MS = 10 * 60_000;

/** One person's stretch of editing: changes with no pause over EDIT_PAUSE_MS between them. */
export type Stretch = { userId: string; sections: string[]; from: Date; to: Date };

/**
 * Joins changes and stretches (a change is a stretch of one instant) into
 * each person's stretches, newest first. Grouping per person keeps two
 * people typing at once from cutting each other's stretches into pieces; the
 * same stretch given twice (a compaction run again) counts once.
 */
export function mergeStretches(items: Stretch[]): Stretch[] {
  const sorted = [...items].sort((a, b) => a.from.getTime() - b.from.getTime());
  const open = new Map<string, Stretch>();
  const done: Stretch[] = [];
  for (const item of sorted) {
    let s = open.get(item.userId);
    if (s && item.from.getTime() - s.to.getTime() > EDIT_PAUSE_MS) {
      done.push(s);
      s = undefined;
    }
    if (!s) {
      open.set(item.userId, { ...item, sections: [...new Set(item.sections)] });
      continue;
    }
    if (item.to > s.to) s.to = item.to;
    for (const name of item.sections) if (!s.sections.includes(name)) s.sections.push(name);
  }
  done.push(...open.values());
  return done.sort((a, b) => b.to.getTime() - a.to.getTime());
}

/**
 * Who edited a document lately: the stretches compaction kept, joined with
 * the changes not compacted yet. Reads a few records per stretch of work,
 * not every change.
 */
export async function editStretches(conn: Connection, docName: string): Promise<Stretch[]> {
  const { Edits, Updates } = collabModels(conn);
  const [kept, live] = await Promise.all([
    Edits.find({ docName }, { userId: 1, sections: 1, from: 1, to: 1 }).lean(),
    Updates.find({ docName }, { userId: 1, sections: 1, at: 1 }).lean(),
  ]);
  return mergeStretches([
    ...kept.map((e) => ({ userId: e.userId, sections: e.sections, from: e.from, to: e.to })),
    ...live.map((r) => ({ userId: r.userId, sections: r.sections, from: r.at, to: r.at })),
  ]);
}
