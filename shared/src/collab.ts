/**
 * Tandem's additions to the y-websocket protocol on `/collab/<docName>`.
 *
 * The standard messages are unchanged: `[0] sync` (y-protocols sync step 1,
 * step 2, update), `[1] awareness`, `[2] auth` (permission denied) and
 * `[3] query awareness`. Integers are lib0 varUints (7 bits per byte, low
 * groups first, high bit = more follows); strings are a varUint byte length
 * and UTF-8.
 *
 * A client opts in to the extensions by connecting with `?tandem=1`. Only then
 * does the server send the message types below, so an unmodified y-websocket
 * client (which logs an error for an unknown type) never receives them.
 *
 * Server → client, opted-in connections only:
 * - `[100][count]` **save ack**: the first `count` update-carrying messages
 *   this connection sent (sync step 2 and sync update, in sending order) are
 *   processed. Their changes, and everything the server held when it read
 *   them, are durably stored; a read-only connection's changes were dropped.
 *   Counts restart at 0 on every connection and only grow.
 * - `[101][access]` **access**: `"write"` or `"read"`, sent once before the
 *   first sync message.
 *
 * Every connection, opted in or not, receives the standard auth message
 * `[2][0][reason]` (permission denied) the first time the server drops an
 * update because the connection is read-only.
 */

export const COLLAB_PATH = '/collab';

/** Query parameter (value `1`) that opts a connection in to the Tandem message types. */
export const COLLAB_OPT_IN_PARAM = 'tandem';

export const CollabMessage = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  SaveAck: 100,
  Access: 101,
} as const;

export const SyncStep = { Step1: 0, Step2: 1, Update: 2 } as const;

export type CollabAccess = 'write' | 'read';

/** Reason text of the permission-denied message a read-only connection receives. */
export const READ_ONLY_REASON = 'read-only: your changes to this document are not saved';

export type TandemMessage =
  { type: 'save-ack'; count: number } | { type: 'access'; access: CollabAccess };

/**
 * True for the client → server messages the server counts for save acks:
 * sync step 2 and sync update (`[0][1]…` and `[0][2]…`).
 */
export function isUpdateMessage(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 2 &&
    bytes[0] === CollabMessage.Sync &&
    (bytes[1] === SyncStep.Step2 || bytes[1] === SyncStep.Update)
  );
}

export function encodeSaveAck(count: number): Uint8Array {
  return Uint8Array.from([...varUint(CollabMessage.SaveAck), ...varUint(count)]);
}

export function encodeAccess(access: CollabAccess): Uint8Array {
  const text = new TextEncoder().encode(access);
  return Uint8Array.from([...varUint(CollabMessage.Access), ...varUint(text.length), ...text]);
}

/** Decodes a Tandem extension message; null for standard y-websocket messages and anything malformed. */
export function decodeTandemMessage(bytes: Uint8Array): TandemMessage | null {
  const r = { pos: 0 };
  const type = readVarUint(bytes, r);
  if (type === CollabMessage.SaveAck) {
    const count = readVarUint(bytes, r);
    return count === null || r.pos !== bytes.length ? null : { type: 'save-ack', count };
  }
  if (type === CollabMessage.Access) {
    const len = readVarUint(bytes, r);
    if (len === null || r.pos + len !== bytes.length) return null;
    const access = new TextDecoder().decode(bytes.subarray(r.pos));
    return access === 'write' || access === 'read' ? { type: 'access', access } : null;
  }
  return null;
}

function varUint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push(0x80 | (n % 0x80));
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function readVarUint(bytes: Uint8Array, r: { pos: number }): number | null {
  let num = 0;
  let mult = 1;
  while (r.pos < bytes.length) {
    const b = bytes[r.pos++]!;
    num += (b & 0x7f) * mult;
    if (b < 0x80) return num;
    mult *= 0x80;
    if (num > Number.MAX_SAFE_INTEGER) return null;
  }
  return null;
}

export type SaveStatus = 'saving' | 'saved' | 'offline';

/**
 * Knows whether this device holds changes the server has not stored yet.
 *
 * Local changes are numbered; each update-carrying message sent on the
 * current connection remembers the newest local change it covers, so a save
 * ack of `count` proves every local change up to that message is stored.
 * Messages lost with a connection prove nothing; the next connection's sync
 * step 2 carries their changes again.
 */
export class SaveTracker {
  private localVersion = 0;
  private savedVersion = 0;
  /** Local version covered by each unacknowledged sent message, after `ackedCount` acknowledged ones. */
  private unacked: number[] = [];
  private ackedCount = 0;
  /** The open connection; null while offline. */
  private current: object | null = null;

  constructor(private readonly onChange: () => void = () => {}) {}

  /** A change made on this device (not one received from the server). */
  localChange(): void {
    this.localVersion++;
    this.onChange();
  }

  /** An update-carrying message was handed to the socket. */
  sent(): void {
    this.unacked.push(this.localVersion);
  }

  ack(count: number): void {
    const fresh = count - this.ackedCount;
    if (fresh <= 0 || fresh > this.unacked.length) return;
    this.savedVersion = Math.max(this.savedVersion, this.unacked[fresh - 1]!);
    this.unacked.splice(0, fresh);
    this.ackedCount = count;
    this.onChange();
  }

  /** `socket` opened; it is now the connection whose messages count. */
  connected(socket: object): void {
    this.current = socket;
    this.unacked = [];
    this.ackedCount = 0;
    this.onChange();
  }

  /**
   * `socket` closed. A socket the provider gave up on can report its close
   * after its successor opened: that changes nothing.
   */
  disconnected(socket: object): void {
    if (socket !== this.current) return;
    this.current = null;
    this.unacked = [];
    this.ackedCount = 0;
    this.onChange();
  }

  /** How many changes this device has made. */
  get version(): number {
    return this.localVersion;
  }

  /** The device's changes up to this version are stored. */
  get savedThrough(): number {
    return this.savedVersion;
  }

  /** Changes on this device that the server has not confirmed as stored. */
  get pending(): boolean {
    return this.localVersion > this.savedVersion;
  }

  get status(): SaveStatus {
    if (!this.current) return 'offline';
    return this.pending ? 'saving' : 'saved';
  }
}

/** Someone with the document open, as their awareness state says (the server stamps `user`). */
export type PresenceUser = {
  clientId: number;
  userId: string;
  name: string;
  role: string;
  color: string;
  /** This tab's own state. */
  self: boolean;
  /** The rest of the state (cursor, section, …). */
  state: Record<string, unknown>;
};

/** The people present in a document, one entry per client, from y-protocols awareness states. */
export function presenceOf(
  states: ReadonlyMap<number, Record<string, unknown>>,
  selfClientId: number,
): PresenceUser[] {
  const out: PresenceUser[] = [];
  for (const [clientId, state] of states) {
    const user = state.user as Record<string, unknown> | undefined;
    if (!user || typeof user.name !== 'string') continue;
    out.push({
      clientId,
      userId: typeof user.id === 'string' ? user.id : String(clientId),
      name: user.name,
      role: typeof user.role === 'string' ? user.role : '',
      color: typeof user.color === 'string' ? user.color : '#52615f',
      self: clientId === selfClientId,
      state,
    });
  }
  return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}
