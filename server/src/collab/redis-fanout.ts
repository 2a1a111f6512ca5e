import { RESP_TYPES } from 'redis';
import type { Logger } from '../log.ts';
import type { RedisClient } from '../redis.ts';

/**
 * What instances tell each other about a document, one Redis stream per
 * document. `publisher` is the instance that wrote the entry; readers skip
 * their own entries.
 */
export type FanoutEntry =
  | {
      type: 'update';
      publisher: string;
      /** The publisher's lseq for the change, confirmed later by a durable marker. */
      lseq: number;
      userId: string;
      at: number;
      sections: string[];
      update: Uint8Array;
    }
  | { type: 'awareness'; publisher: string; update: Uint8Array }
  /** Every update of `instanceId` up to `upTo` is stored (written by that instance or a taker-over). */
  | { type: 'durable'; publisher: string; instanceId: string; upTo: number }
  /** A new reader asks the others to repeat their clients' presence. */
  | { type: 'query-awareness'; publisher: string };

type Follow = { lastId: string; deliver: (entry: FanoutEntry) => void };

const BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;
// Streams also stay bounded if every instance that could trim one dies.
const MAX_STREAM_LENGTH = 100_000;
const STREAM_TTL_MS = 24 * 60 * 60 * 1000;
const READ_COUNT = 500;
const BLOCK_MS = 2000;

/**
 * Redis streams fan-out. One blocking XREAD on a dedicated connection follows
 * every document this instance has loaded; it is interrupted with CLIENT
 * UNBLOCK when a document is added, so a new document waits for nothing.
 */
export class RedisFanout {
  private follows = new Map<string, Follow>();
  private reader: RedisClient | null = null;
  private readerId: number | null = null;
  /** The documents of the XREAD in flight, or null between reads. */
  private reading: Set<string> | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly instanceBytes: Buffer;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    readonly instanceId: string,
    private readonly log: Logger,
  ) {
    this.instanceBytes = Buffer.from(instanceId);
  }

  async start(): Promise<void> {
    const reader = this.redis.duplicate();
    reader.on('error', (err: Error) => this.log.warn({ err: err.message }, 'redis reader error'));
    // A reconnected reader has a new client id; CLIENT UNBLOCK must name the current one.
    reader.on('ready', () => {
      void reader
        .sendCommand(['CLIENT', 'ID'])
        .then((id) => (this.readerId = Number(id)))
        .catch(() => {});
    });
    await reader.connect();
    this.readerId = Number(await reader.sendCommand(['CLIENT', 'ID']));
    this.reader = reader;
    this.loop = this.run();
  }

  key(docName: string): string {
    return `${this.keyPrefix}${docName}`;
  }

  /**
   * Starts following a document. Reads what its stream holds now (the changes
   * not yet stored are all there, since only stored ones are trimmed) and
   * returns them; everything written later goes to `deliver`. Call it before
   * reading the document from the database, so nothing falls in between.
   */
  async open(docName: string, deliver: (entry: FanoutEntry) => void): Promise<FanoutEntry[]> {
    const key = this.key(docName);
    const held: FanoutEntry[] = [];
    let from = '-';
    let lastId = '0-0';
    for (;;) {
      const reply = (await this.redis.sendCommand(
        ['XRANGE', key, from, '+', 'COUNT', String(READ_COUNT)],
        BUFFERS,
      )) as [Buffer, Buffer[]][];
      for (const [id, fields] of reply) {
        lastId = id.toString();
        const entry = parseEntry(fields);
        if (entry && entry.publisher !== this.instanceId) held.push(entry);
      }
      if (reply.length < READ_COUNT) break;
      from = `(${lastId}`;
    }
    this.follows.set(docName, { lastId, deliver });
    this.wake();
    // Others' clients repeat their presence every 15 s; asking makes it immediate.
    this.publish(docName, { type: 'query-awareness', publisher: this.instanceId });
    return held;
  }

  close(docName: string): void {
    this.follows.delete(docName);
  }

  /** Appends an entry; resolves once Redis has it (failures are logged and resolve too). */
  publish(docName: string, entry: FanoutEntry): Promise<void> {
    const args: (string | Buffer)[] = [
      'XADD',
      this.key(docName),
      'MAXLEN',
      '~',
      String(MAX_STREAM_LENGTH),
      '*',
      ...encodeEntry(entry),
    ];
    return this.redis.sendCommand(args).then(
      () => {},
      (err: unknown) =>
        this.log.warn(
          { docName, err: err instanceof Error ? err.message : String(err) },
          'collab fan-out publish failed',
        ),
    );
  }

  /** Drops entries older than `beforeMs` (Redis time) and keeps the stream from living forever. */
  trim(docName: string, beforeMs: number): void {
    const key = this.key(docName);
    const id = `${Math.max(0, Math.floor(beforeMs))}-0`;
    Promise.all([
      this.redis.sendCommand(['XTRIM', key, 'MINID', id]),
      this.redis.sendCommand(['PEXPIRE', key, String(STREAM_TTL_MS)]),
    ]).catch((err: unknown) =>
      this.log.warn(
        { docName, err: err instanceof Error ? err.message : String(err) },
        'collab stream trim failed',
      ),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.follows.clear();
    if (this.reading && this.readerId !== null)
      await this.redis.sendCommand(['CLIENT', 'UNBLOCK', String(this.readerId)]).catch(() => {});
    await this.loop?.catch(() => {});
    await this.reader?.close().catch(() => {});
  }

  /**
   * Interrupts the blocking read so that it picks up a new document. The
   * unblock travels on another connection and can overtake the XREAD it is
   * meant for, so it is repeated until a read includes the document.
   */
  private wake(): void {
    if (this.stopped || !this.reading || this.readerId === null) return;
    const reading = this.reading;
    if ([...this.follows.keys()].every((n) => reading.has(n))) return;
    this.redis.sendCommand(['CLIENT', 'UNBLOCK', String(this.readerId)]).catch(() => {});
    setTimeout(() => this.wake(), 25).unref();
  }

  private async run(): Promise<void> {
    const reader = this.reader!;
    while (!this.stopped) {
      if (this.follows.size === 0) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const names = [...this.follows.keys()];
      const args = [
        'XREAD',
        'COUNT',
        String(READ_COUNT),
        'BLOCK',
        String(BLOCK_MS),
        'STREAMS',
        ...names.map((n) => this.key(n)),
        ...names.map((n) => this.follows.get(n)!.lastId),
      ];
      let reply: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        this.reading = new Set(names);
        reply = (await reader.sendCommand(args, BUFFERS)) as typeof reply;
      } catch (err) {
        if (this.stopped) return;
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'XREAD failed');
        await new Promise((r) => setTimeout(r, 200));
        continue;
      } finally {
        this.reading = null;
      }
      if (!reply) continue;
      const byKey = new Map(names.map((n) => [this.key(n), n]));
      for (const [key, entries] of reply) {
        const docName = byKey.get(key.toString());
        if (docName === undefined) continue;
        for (const [id, fields] of entries) {
          const follow = this.follows.get(docName);
          if (!follow) break;
          follow.lastId = id.toString();
          if (isPublishedBy(fields, this.instanceBytes)) continue;
          const entry = parseEntry(fields);
          if (!entry || entry.publisher === this.instanceId) continue;
          try {
            follow.deliver(entry);
          } catch (err) {
            this.log.error(
              { docName, err: err instanceof Error ? err.message : String(err) },
              'collab fan-out entry failed',
            );
          }
        }
      }
    }
  }
}

/**
 * Every entry starts `t <type> p <publisher>` (see encodeEntry), so a reader
 * skips its own entries, half of what it reads on a busy document, unparsed.
 */
function isPublishedBy(fields: Buffer[], publisher: Buffer): boolean {
  const key = fields[2];
  return key !== undefined && key.length === 1 && key[0] === 0x70 && !!fields[3]?.equals(publisher);
}

function encodeEntry(e: FanoutEntry): (string | Buffer)[] {
  const base = ['t', e.type, 'p', e.publisher];
  switch (e.type) {
    case 'update':
      return [
        ...base,
        'l',
        String(e.lseq),
        'u',
        e.userId,
        'at',
        String(e.at),
        's',
        e.sections.join(','),
        'd',
        Buffer.from(e.update.buffer, e.update.byteOffset, e.update.byteLength),
      ];
    case 'awareness':
      return [...base, 'd', Buffer.from(e.update.buffer, e.update.byteOffset, e.update.byteLength)];
    case 'durable':
      return [...base, 'i', e.instanceId, 'l', String(e.upTo)];
    case 'query-awareness':
      return base;
  }
}

/** Null for entries this version does not understand (written by a newer instance, say). */
export function parseEntry(fields: Buffer[]): FanoutEntry | null {
  const f = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!.toString(), fields[i + 1]!);
  const text = (k: string) => f.get(k)?.toString();
  const num = (k: string) => {
    const n = Number(text(k));
    return Number.isFinite(n) ? n : null;
  };
  const publisher = text('p');
  if (!publisher) return null;
  switch (text('t')) {
    case 'update': {
      const lseq = num('l');
      const at = num('at');
      const userId = text('u');
      const data = f.get('d');
      if (lseq === null || at === null || !userId || !data) return null;
      const s = text('s');
      return {
        type: 'update',
        publisher,
        lseq,
        userId,
        at,
        sections: s ? s.split(',') : [],
        update: new Uint8Array(data),
      };
    }
    case 'awareness': {
      const data = f.get('d');
      return data ? { type: 'awareness', publisher, update: new Uint8Array(data) } : null;
    }
    case 'durable': {
      const instanceId = text('i');
      const upTo = num('l');
      return instanceId && upTo !== null ? { type: 'durable', publisher, instanceId, upTo } : null;
    }
    case 'query-awareness':
      return { type: 'query-awareness', publisher };
    default:
      return null;
  }
}
