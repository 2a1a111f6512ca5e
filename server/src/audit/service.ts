import type { Connection } from 'mongoose';
import type { Logger } from '../log.ts';
import type { Clock } from '../context.ts';
import { auditModel, type AuditDoc, type AuditModel } from './model.ts';
import { GENESIS_HASH, hashRecord, type ChainedFields } from './chain.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What a caller records; the log adds seq, time and the chain hashes. No patient content in `details`. */
export type AuditEntry = {
  actorId?: string | null;
  actorRole?: string | null;
  action: string;
  resourceType?: string | null;
  resourceId?: string | null;
  patientId?: string | null;
  teamId?: string | null;
  outcome: AuditOutcome;
  requestId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown> | null;
};

export type AuditLog = {
  /** Appends one record; resolves once it is stored in the chain. */
  record(entry: AuditEntry): Promise<void>;
  /**
   * Walks the whole chain; `firstBrokenId` is the first record whose hash or
   * link fails, `missingFrom` the first seq this instance appended that is gone
   * from the end of the log (a cut-off tail leaves every remaining link intact).
   */
  verify(): Promise<ChainCheck>;
  /** The newest record's seq (0 when there is none), whoever appended it. */
  lastSeq(): Promise<number>;
};

type Tail = { seq: number; hash: string };

export type ChainCheck = {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
  missingFrom: number | null;
  lastSeq: number;
  lastHash: string | null;
};

/**
 * The hash-chained audit log. Appends are serialised within an instance; across
 * instances the unique `seq` index decides who wins, and the loser re-reads the
 * tail and retries, so concurrent writers keep one valid chain.
 */
export function createAuditLog(conn: Connection, clock: Clock, log: Logger): AuditLog {
  const Audit: AuditModel = auditModel(conn);
  let tail: Tail | null = null;
  let queue: Promise<void> = Promise.resolve();

  async function readTail(): Promise<Tail> {
    const seq = await lastSeq();
    const last = seq > 0 ? await Audit.findOne({ seq }, { hash: 1 }).lean() : null;
    return last ? { seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * The highest seq, by point lookups that double and then halve (about
   * 2·log2(n) of them, or a few from a recent `hint`). Seqs run 1, 2, 3…
   * without gaps: each append takes the tail's seq + 1 under the unique
   * index, and nothing deletes records. (Were one deleted in the database,
   * the search could stop below the gap and the next record take the deleted
   * seq; the chain check reports the break either way.) A sort on seq would
   * be one query on MongoDB, but the embedded database answers a sort by
   * reading the whole log (`npm run bench:store`).
   */
  async function lastSeq(hint = 1): Promise<number> {
    const exists = async (seq: number) => (await Audit.exists({ seq })) !== null;
    let low = hint > 1 && (await exists(hint)) ? hint : 1;
    if (low === 1 && !(await exists(1))) return 0;
    let step = 1; // low exists; gallop until low + step does not
    while (await exists(low + step)) [low, step] = [low + step, step * 2];
    let high = low + step;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await exists(mid)) low = mid;
      else high = mid;
    }
    return low;
  }

  /**
   * Checks every link and hash, and that `known` (a record this instance
   * appended) is still there as written; null if unsorted records come out
   * of seq order.
   */
  async function walk(
    records: AsyncIterable<AuditDoc & { _id: unknown }>,
    sorted: boolean,
    known: Tail | null,
  ): Promise<ChainCheck | null> {
    let prev: Tail = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    const result = (ok: boolean, firstBrokenId: string | null, missingFrom: number | null) => ({
      ok,
      checked,
      firstBrokenId,
      missingFrom,
      lastSeq: prev.seq,
      lastHash: prev.seq > 0 ? prev.hash : null,
    });
    for await (const r of records) {
      if (!sorted && r.seq !== prev.seq + 1) return null;
      checked++;
      if (
        r.seq !== prev.seq + 1 ||
        r.prevHash !== prev.hash ||
        r.hash !== hashOf(r) ||
        (r.seq === known?.seq && r.hash !== known.hash)
      )
        return result(false, String(r._id), null);
      prev = { seq: r.seq, hash: r.hash };
    }
    if (known && known.seq > prev.seq) return result(false, null, prev.seq + 1);
    return result(true, null, null);
  }

  async function append(entry: AuditEntry): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      tail ??= await readTail();
      const fields = chained({
        ...entry,
        seq: tail.seq + 1,
        at: new Date(clock.now()),
        details: storable(entry.details),
        prevHash: tail.hash,
      });
      const hash = hashRecord(fields);
      try {
        await Audit.create({ ...fields, hash });
        tail = { seq: fields.seq, hash };
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        tail = null; // another instance appended first: re-read and retry
      }
    }
    throw new Error('audit append kept conflicting');
  }

  return {
    record(entry) {
      const done = queue.then(() => append(entry));
      queue = done.catch((err: unknown) => {
        tail = null;
        log.error({ err, action: entry.action }, 'audit append failed');
      });
      return done;
    },

    /**
     * Records are appended in seq order, so the check reads them as stored:
     * a sorted read is one indexed scan on MongoDB, but the embedded database
     * sorts in memory (320 MiB for 50,000 records; `npm run bench:store`).
     * Only when they do not come out in seq order (a record missing, or a
     * database that returns them otherwise) is the log read again sorted.
     */
    async verify() {
      const known = tail;
      return (
        (await walk(Audit.find({}).lean().cursor(), false, known)) ??
        (await walk(Audit.find({}).sort({ seq: 1 }).lean().cursor(), true, known))!
      );
    },

    // This instance's own tail is a close guess; other instances may have appended since.
    lastSeq: () => lastSeq(tail?.seq),
  };
}

/** The hashed fields of a record, stored or about to be, with absent ones as null. */
function chained(
  r: Partial<ChainedFields> & Pick<ChainedFields, 'seq' | 'at' | 'action' | 'outcome' | 'prevHash'>,
): ChainedFields {
  return {
    seq: r.seq,
    at: r.at,
    actorId: r.actorId ?? null,
    actorRole: r.actorRole ?? null,
    action: r.action,
    resourceType: r.resourceType ?? null,
    resourceId: r.resourceId ?? null,
    patientId: r.patientId ?? null,
    teamId: r.teamId ?? null,
    outcome: r.outcome,
    requestId: r.requestId ?? null,
    ip: r.ip ?? null,
    details: r.details ?? null,
    prevHash: r.prevHash,
  };
}

/** The hash a stored record should carry. */
function hashOf(r: AuditDoc): string {
  return hashRecord(chained(r));
}

/**
 * Details as they will read back from the database: undefined keys dropped,
 * dates as strings. Hashing anything else would make verify() fail on a record
 * nobody changed.
 */
function storable(details: AuditEntry['details']): unknown {
  if (!details) return null;
  return JSON.parse(JSON.stringify(details)) as unknown;
}
