import type { AppContext } from '../context.ts';
import { notFound, serviceUnavailable } from '../errors.ts';
import { conferenceModel, stateModel, type LiveState, type StoredConference } from './model.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

export type StateChange = (state: LiveState, now: Date) => Omit<LiveState, 'seq'>;

/** The same state with a new seq: marks a change outside it (the participants), or claims a turn. */
export const unchanged: StateChange = ({ seq: _seq, ...rest }) => rest;

const MAX_ATTEMPTS = 25;
/** Revisions kept behind the current one; older ones only ever served as history of clicks. */
const KEEP_REVISIONS = 200;

/** The state before anything happened: nobody presenting, nothing running. */
export function initialState(c: StoredConference): LiveState {
  return {
    seq: 0,
    status: c.status === 'ended' ? 'ended' : 'scheduled',
    focus: null,
    presenter: null,
    timers: [],
    hands: [],
  };
}

function plain(row: LiveState): LiveState {
  return {
    seq: row.seq,
    status: row.status,
    focus: row.focus ? { caseId: row.focus.caseId, section: row.focus.section } : null,
    presenter: row.presenter ? { id: row.presenter.id, name: row.presenter.name } : null,
    timers: (row.timers ?? []).map((t) => ({
      caseId: t.caseId,
      elapsedMs: t.elapsedMs,
      startedAt: t.startedAt ?? null,
    })),
    hands: (row.hands ?? []).map((h) => ({
      userId: h.userId,
      name: h.name,
      role: h.role,
      raisedAt: h.raisedAt,
    })),
  };
}

/**
 * The log of a conference's live state (see StateSchema), and from the start
 * the owner of its status (lifecycle.ts). Appends to one conference are queued
 * within the instance, and a number lost to another instance is retried on the
 * fresh state, so every change applies in order.
 */
export function createStateLog(ctx: AppContext) {
  const States = stateModel(ctx.conn);
  const Conferences = conferenceModel(ctx.conn);
  const queues = new Map<string, Promise<unknown>>();

  async function latest(c: StoredConference): Promise<LiveState> {
    const row = await States.findOne({ conferenceId: c._id }).sort({ seq: -1 }).lean();
    return row ? plain(row as LiveState) : initialState(c);
  }

  async function attempt(c: StoredConference, change: StateChange) {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const before = await latest(c);
      const now = new Date(ctx.clock.now());
      // `change` may throw to refuse: the state it saw is the current one.
      const next = { ...change(before, now), seq: before.seq + 1 };
      try {
        await States.create({ ...next, conferenceId: c._id, at: now });
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
      // Until the start the conference may be deleted at any moment, its log with it: a
      // revision that landed after that sweep is taken back (one that landed before is swept).
      if (before.status === 'scheduled' && !(await Conferences.exists({ _id: c._id }))) {
        await States.deleteOne({ conferenceId: c._id, seq: next.seq });
        throw notFound('No such conference.');
      }
      if (next.seq % 50 === 0) {
        void States.deleteMany({ conferenceId: c._id, seq: { $lt: next.seq - KEEP_REVISIONS } })
          .exec()
          .catch(() => {});
      }
      return { before, after: plain(next) };
    }
    throw serviceUnavailable('The conference is busy; try again.');
  }

  return {
    latest,
    /** Applies `change` to the current state as the next revision; resolves with both. */
    append(
      c: StoredConference,
      change: StateChange,
    ): Promise<{ before: LiveState; after: LiveState }> {
      const key = String(c._id);
      const prev = queues.get(key) ?? Promise.resolve();
      const run = prev.then(() => attempt(c, change));
      const settled = run.catch(() => {});
      queues.set(key, settled);
      void settled.then(() => {
        if (queues.get(key) === settled) queues.delete(key);
      });
      return run;
    },
    /** Drops every revision, for a conference that is deleted. */
    async forget(c: StoredConference): Promise<void> {
      await States.deleteMany({ conferenceId: c._id });
    },
  };
}

export type StateLog = ReturnType<typeof createStateLog>;
