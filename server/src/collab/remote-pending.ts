import type { StoredUpdate } from './persistence/store.ts';

export type RemoteChange = {
  /** The origin instance's lseq for the change. */
  theirLseq: number;
  /** This document's lseq for it; done once someone stored the change. */
  ourLseq: number;
  row: StoredUpdate;
  receivedAt: number;
};

/**
 * Changes that arrived from other instances and are not known to be stored.
 * Their origin confirms them with a durable marker; if no marker comes (the
 * origin crashed before its group commit), this instance stores them itself.
 */
export class RemotePending {
  private byInstance = new Map<string, RemoteChange[]>();

  add(instanceId: string, change: RemoteChange): void {
    const list = this.byInstance.get(instanceId);
    if (list) list.push(change);
    else this.byInstance.set(instanceId, [change]);
  }

  /** Removes the changes of `instanceId` up to `upTo` and returns their lseqs here. */
  confirm(instanceId: string, upTo: number): number[] {
    const list = this.byInstance.get(instanceId);
    if (!list) return [];
    let n = 0;
    while (n < list.length && list[n]!.theirLseq <= upTo) n++;
    const done = list.splice(0, n).map((c) => c.ourLseq);
    if (list.length === 0) this.byInstance.delete(instanceId);
    return done;
  }

  /** Removes and returns, per origin, the changes received before `before` (all when omitted). */
  takeExpired(before = Infinity): { instanceId: string; changes: RemoteChange[] }[] {
    const out: { instanceId: string; changes: RemoteChange[] }[] = [];
    for (const [instanceId, list] of this.byInstance) {
      let n = 0;
      while (n < list.length && list[n]!.receivedAt < before) n++;
      if (n === 0) continue;
      out.push({ instanceId, changes: list.splice(0, n) });
      if (list.length === 0) this.byInstance.delete(instanceId);
    }
    return out;
  }

  /**
   * The time of the oldest unconfirmed change, or null: its origin's issue
   * time, which is not after its stream entry's id (arrival is, so trimming
   * by arrival would cut the very entry a loader still needs).
   */
  get oldest(): number | null {
    let min: number | null = null;
    for (const list of this.byInstance.values()) {
      const first = list[0];
      const t = first ? Math.min(first.receivedAt, first.row.at.getTime()) : undefined;
      if (t !== undefined && (min === null || t < min)) min = t;
    }
    return min;
  }

  get size(): number {
    let n = 0;
    for (const list of this.byInstance.values()) n += list.length;
    return n;
  }
}
