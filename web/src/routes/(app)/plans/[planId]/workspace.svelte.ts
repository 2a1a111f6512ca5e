import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import {
  CloseCode,
  COLLAB_OPT_IN_PARAM,
  COLLAB_PATH,
  CollabMessage,
  ensurePlanStructure,
  isUpdateMessage,
  SaveTracker,
  type PlanDetail,
  type PlanDocInfo,
  type PlanDocKind,
} from '@tandem/shared';

export type Presence = {
  clientId: number;
  userId: string;
  name: string;
  role: string;
  color: string;
  section: string | null;
  self: boolean;
};

export type FatalClose = { code: number; reason: string };

export type SaveState = 'connecting' | 'saving' | 'saved' | 'offline';

/** One live Yjs document of the plan and its connection. */
export class LiveDoc {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  /** Bumped on every change, so $derived reads of the document re-run. */
  version = $state(0);
  synced = $state(false);
  /** Has synced at least once: the plan stays on screen (and editable) while reconnecting. */
  loaded = $state(false);
  connected = $state(false);
  everConnected = $state(false);
  fatal = $state<FatalClose | null>(null);
  /** Bumped whenever the save tracker's state changes (it is not reactive itself). */
  #saveTick = $state(0);
  readonly #saves = new SaveTracker(() => this.#saveTick++);

  constructor(
    readonly info: PlanDocInfo,
    onFatal: (close: FatalClose) => void,
  ) {
    // Registered before the provider's own listener, so a change is counted before it is sent.
    this.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      this.version++;
      if (origin !== this.provider) this.#saves.localChange();
    });
    const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${COLLAB_PATH}`;
    // Opting in to Tandem's save acknowledgements: "All changes saved" means stored, not sent.
    this.provider = new WebsocketProvider(base, info.name, this.doc, {
      maxBackoffTime: 5_000,
      params: { [COLLAB_OPT_IN_PARAM]: '1' },
    });
    this.provider.messageHandlers[CollabMessage.SaveAck] = (_enc, decoder) => {
      this.#saves.ack(readVarUint(decoder));
    };
    // Access is known from the plan's metadata already; the message only needs consuming.
    this.provider.messageHandlers[CollabMessage.Access] = () => {};
    this.provider.on('status', ({ status }: { status: string }) => {
      this.connected = status === 'connected';
      if (this.connected) {
        this.everConnected = true;
        this.#saves.connected();
      } else this.#saves.disconnected();
      if (status === 'connecting') this.#countSends();
    });
    this.provider.on('sync', (synced: boolean) => {
      this.synced = synced;
      if (synced) this.loaded = true;
      // Only a writer creates missing structure, and only once the stored state is in.
      if (synced && info.access === 'write') ensurePlanStructure(this.doc, info.kind);
    });
    this.provider.on('closed', (close: FatalClose) => {
      this.fatal = close;
      onFatal(close);
    });
    this.#countSends();
  }

  /** Reports this connection's update-carrying messages; the server's acks count the same ones. */
  #countSends(): void {
    const ws = this.provider.ws as (WebSocket & { tandemCounted?: boolean }) | null;
    if (!ws || ws.tandemCounted) return;
    ws.tandemCounted = true;
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      const bytes =
        data instanceof Uint8Array
          ? data
          : data instanceof ArrayBuffer
            ? new Uint8Array(data)
            : null;
      if (bytes && isUpdateMessage(bytes)) this.#saves.sent();
      send(data);
    };
  }

  get saveState(): SaveState {
    void this.#saveTick;
    if (!this.connected) return this.everConnected ? 'offline' : 'connecting';
    if (!this.synced) return 'connecting';
    return this.#saves.status === 'saving' ? 'saving' : 'saved';
  }

  get awareness(): Awareness {
    return this.provider.awareness;
  }

  get writable(): boolean {
    return this.info.access === 'write';
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }
}

/**
 * The plan's documents in this tab: one connection per document the server
 * listed for this person, presence on the shared care document.
 */
export class PlanWorkspace {
  readonly docs: Partial<Record<PlanDocKind, LiveDoc>> = {};
  presence = $state<Presence[]>([]);
  sessionLost = $state(false);
  /** Set when the server refuses a document (e.g. access was removed meanwhile). */
  refused = $state<FatalClose | null>(null);

  constructor(plan: PlanDetail, self: { id: string; name: string; color?: string }) {
    const onFatal = (close: FatalClose) => {
      if (close.code === CloseCode.Unauthenticated) this.sessionLost = true;
      else this.refused = close;
    };
    for (const info of plan.collab.docs) this.docs[info.kind] = new LiveDoc(info, onFatal);
    for (const live of Object.values(this.docs)) {
      live.awareness.setLocalStateField('user', { id: self.id, name: self.name });
    }
    const presenceDoc = this.presenceDoc;
    if (presenceDoc) {
      const update = () => (this.presence = readPresence(presenceDoc.awareness));
      presenceDoc.awareness.on('change', update);
      update();
    }
  }

  /** Every role that may open a plan has the care document: presence lives there. */
  get presenceDoc(): LiveDoc | undefined {
    return this.docs.care ?? Object.values(this.docs)[0];
  }

  get synced(): boolean {
    return Object.values(this.docs).every((d) => d.synced);
  }

  get loaded(): boolean {
    return Object.values(this.docs).every((d) => d.loaded);
  }

  get connected(): boolean {
    return Object.values(this.docs).every((d) => d.connected);
  }

  /** The least reassuring state of the plan's documents. */
  get saveState(): SaveState {
    const states = Object.values(this.docs).map((d) => d.saveState);
    for (const s of ['offline', 'connecting', 'saving'] as const) if (states.includes(s)) return s;
    return 'saved';
  }

  /** Tells the others which part of the plan this person is in. */
  setSection(section: string | null): void {
    const awareness = this.presenceDoc?.awareness;
    if (awareness && awareness.getLocalState()?.section !== section) {
      awareness.setLocalStateField('section', section);
    }
  }

  destroy(): void {
    for (const live of Object.values(this.docs)) live.destroy();
  }
}

function readPresence(awareness: Awareness): Presence[] {
  const out: Presence[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user = state.user as
      { id?: string; name?: string; role?: string; color?: string } | undefined;
    if (!user?.name) continue;
    out.push({
      clientId,
      userId: user.id ?? String(clientId),
      name: user.name,
      role: user.role ?? '',
      color: user.color ?? '#52615f',
      section: typeof state.section === 'string' ? state.section : null,
      self: clientId === awareness.clientID,
    });
  }
  return out;
}

/** Reads a lib0 varUint from y-websocket's decoder (7 bits a byte, low groups first). */
function readVarUint(decoder: { arr: Uint8Array; pos: number }): number {
  let num = 0;
  let mult = 1;
  for (;;) {
    const byte = decoder.arr[decoder.pos++];
    if (byte === undefined) return num;
    num += (byte & 0x7f) * mult;
    if (byte < 0x80) return num;
    mult *= 0x80;
  }
}
