import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import {
  CloseCode,
  PLAN_DOC_KINDS,
  PLAN_DOC_SECTIONS,
  ensurePlanStructure,
  type PlanDetail,
  type PlanDocInfo,
  type PlanDocKind,
} from '@tandem/shared';
import { CollabDoc, type CollabClose } from '$lib/collab';

export type Presence = {
  clientId: number;
  userId: string;
  name: string;
  role: string;
  color: string;
  section: string | null;
  self: boolean;
};

export type SaveState = 'connecting' | 'saving' | 'saved' | 'offline';

/** One of the plan's Yjs documents as the workspace views read it, over the collab client. */
export class LiveDoc {
  readonly collab: CollabDoc;
  /** Bumped on every change, so $derived reads of the document re-run. */
  version = $state(0);

  constructor(
    readonly info: PlanDocInfo,
    selfId: string,
    onSessionLost: () => void,
  ) {
    this.collab = new CollabDoc(info.name, {
      onSessionLost,
      // A document this person only reads has nothing of theirs to keep.
      keepFor: info.access === 'write' ? selfId : undefined,
    });
    this.collab.doc.on('update', () => this.version++);
    this.collab.provider.on('sync', (synced: boolean) => {
      if (!synced) return;
      // Only a writer creates missing structure, and only once the stored state is in.
      if (info.access === 'write') ensurePlanStructure(this.collab.doc, info.kind);
    });
  }

  get doc(): Y.Doc {
    return this.collab.doc;
  }

  /** Has synced at least once: the plan stays on screen (and editable) while reconnecting. */
  get loaded(): boolean {
    return this.collab.loaded;
  }

  get awareness(): Awareness {
    return this.collab.awareness;
  }

  get writable(): boolean {
    return this.info.access === 'write';
  }

  get connected(): boolean {
    return this.collab.connected;
  }

  get synced(): boolean {
    return this.collab.synced;
  }

  get saveState(): SaveState {
    const status = this.collab.saveState;
    if (status === 'offline') return this.loaded ? 'offline' : 'connecting';
    if (!this.collab.synced) return 'connecting';
    return status;
  }

  destroy(): void {
    this.collab.destroy();
  }
}

/**
 * The plan's documents in this tab: one connection per document the server
 * listed for this person, presence on the shared care document.
 */
export class PlanWorkspace {
  readonly docs: Partial<Record<PlanDocKind, LiveDoc>> = {};
  sessionLost = $state(false);

  constructor(plan: PlanDetail, self: { id: string; name: string }) {
    for (const info of plan.collab.docs) {
      this.docs[info.kind] = new LiveDoc(info, self.id, () => (this.sessionLost = true));
    }
    for (const live of Object.values(this.docs)) {
      live.collab.setPresence({ user: { id: self.id, name: self.name } });
    }
  }

  /** Every role that may open a plan has the care document: presence lives there. */
  get presenceDoc(): LiveDoc | undefined {
    return this.docs.care ?? Object.values(this.docs)[0];
  }

  get presence(): Presence[] {
    const home = this.presenceDoc;
    // Where people are in sections of the other documents (see setSection).
    const elsewhere = Object.values(this.docs)
      .filter((live) => live !== home)
      .flatMap((live) => live.collab.presence)
      .filter((p) => typeof p.state.section === 'string');
    return (home?.collab.presence ?? []).map((p) => ({
      clientId: p.clientId,
      userId: p.userId,
      name: p.name,
      role: p.role,
      color: p.color,
      section:
        typeof p.state.section === 'string'
          ? p.state.section
          : ((elsewhere.find((o) => o.userId === p.userId)?.state.section as string) ?? null),
      self: p.self,
    }));
  }

  /** A document the server refused for good (other than an ended session). */
  get refused(): CollabClose | null {
    for (const live of Object.values(this.docs)) {
      const closed = live.collab.closed;
      if (closed && closed.code !== CloseCode.Unauthenticated) return closed;
    }
    return null;
  }

  /** The server dropped edits from a read-only connection (the UI should not have let them). */
  get readOnlyNotice(): string | null {
    return Object.values(this.docs).find((d) => d.collab.refused)?.collab.refused ?? null;
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

  /** This tab holds changes the server has not confirmed as stored. */
  get pending(): boolean {
    return Object.values(this.docs).some((d) => d.collab.pending);
  }

  /** Every change the server has not stored is also kept on this device, safe from a closed tab. */
  get keptOnDevice(): boolean {
    return Object.values(this.docs).every((d) => d.collab.kept);
  }

  /**
   * Edits this device kept from an earlier visit were sent: when the newest
   * of them was made, and the plan sections they changed.
   */
  get restored(): { at: number; sections: string[] } | null {
    const all = Object.values(this.docs).flatMap((d) => d.collab.restored ?? []);
    if (all.length === 0) return null;
    return {
      at: Math.max(...all.map((r) => r.at)),
      sections: all.flatMap((r) => r.sections),
    };
  }

  /**
   * Tells the others which part of the plan this person is in, on the
   * document that holds that part: only those who may read the private notes
   * learn that someone is in them.
   */
  setSection(section: string | null): void {
    const kind = PLAN_DOC_KINDS.find((k) =>
      (PLAN_DOC_SECTIONS[k] as readonly string[]).includes(section ?? ''),
    );
    const home = (kind && this.docs[kind]) || this.presenceDoc;
    for (const live of Object.values(this.docs)) {
      const value = live === home ? section : null;
      if ((live.awareness.getLocalState()?.section ?? null) !== value)
        live.collab.setPresence({ section: value });
    }
  }

  destroy(): void {
    for (const live of Object.values(this.docs)) live.destroy();
  }
}
