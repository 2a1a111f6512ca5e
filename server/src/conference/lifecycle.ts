import type { AppContext } from '../context.ts';
import { conflict, notFound, type AppError } from '../errors.ts';
import { conferenceModel, type StoredConference } from './model.ts';
import type { StateChange } from './state.ts';

/**
 * A conference goes scheduled → live → ended, or is deleted while scheduled.
 * Its status has one owner at a time, and every change that depends on the
 * status is decided by one compare-and-set on that owner, never by a status
 * read earlier:
 *
 * - Until the start, the conference document. Editing, deleting and starting
 *   are each one write guarded by `status: 'scheduled'` ({@link onScheduled},
 *   {@link deleteScheduled}). The agenda lives there too, so a start presents
 *   exactly the cases it flipped, and nothing edits or deletes it afterwards.
 * - From the start, the state log. Ending, the presenter's controls, joining
 *   and recording each claim the next revision, checked against the revision
 *   before ({@link whileLive}, {@link unlessEnded}).
 *
 * The hand-over is ordered, so the owners never disagree: a start appends its
 * live revision only once it has won on the document, and an end copies
 * 'ended' onto the document only once it has won in the log. Until then the
 * copy lags (the document's status serves lists, and the minutes' read-only
 * switch, which is re-checked once the copy is written). A status that can
 * never come back (started, ended) may refuse early; only the owner admits.
 *
 * The winner alone writes what follows (the copy, closing attendance,
 * broadcasts); the loser answers 409, or 404 if the conference was deleted,
 * and leaves nothing behind. A join is the one action that writes before it
 * claims: the end's sweep must find every stay admitted before the end, so a
 * join inserts its stay, then claims, and deletes the stay if it lost.
 */

/** What the loser of a guarded write hears while the conference still exists. */
export type Refusal = { code: string; message: string };

/** Why a guarded write on a scheduled conference matched nothing: deleted, or started. */
async function lost(ctx: AppContext, c: StoredConference, refusal: Refusal): Promise<AppError> {
  const exists = await conferenceModel(ctx.conn).exists({ _id: c._id });
  return exists ? conflict(refusal.code, refusal.message) : notFound('No such conference.');
}

/** Writes `set` on the conference only while it is scheduled; resolves with the result. */
export async function onScheduled(
  ctx: AppContext,
  c: StoredConference,
  set: Record<string, unknown>,
  refusal: Refusal,
): Promise<StoredConference> {
  const updated = await conferenceModel(ctx.conn)
    .findOneAndUpdate({ _id: c._id, status: 'scheduled' }, { $set: set }, { new: true })
    .lean<StoredConference>();
  if (!updated) throw await lost(ctx, c, refusal);
  return updated;
}

/** Deletes the conference only while it is scheduled. */
export async function deleteScheduled(
  ctx: AppContext,
  c: StoredConference,
  refusal: Refusal,
): Promise<void> {
  const res = await conferenceModel(ctx.conn).deleteOne({ _id: c._id, status: 'scheduled' });
  if (res.deletedCount !== 1) throw await lost(ctx, c, refusal);
}

/** A change that applies only to a live conference. */
export function whileLive(
  change: StateChange,
  message = 'The conference is not live.',
): StateChange {
  return (state, now) => {
    if (state.status !== 'live') throw conflict('conference_not_live', message);
    return change(state, now);
  };
}

/** A change that applies to a conference that has not ended (waiting room or live). */
export function unlessEnded(change: StateChange): StateChange {
  return (state, now) => {
    if (state.status === 'ended') throw conflict('conference_ended', 'This conference has ended.');
    return change(state, now);
  };
}
