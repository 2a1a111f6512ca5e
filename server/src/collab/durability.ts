/**
 * Numbers the changes a document accepts (local sequence numbers, lseq) and
 * knows the watermark: the highest lseq up to which every change is durable.
 * Changes become durable out of order (a takeover of another instance's
 * update can finish after a later local batch); the watermark never skips one.
 */
export class DurableTracker {
  private nextSeq = 1;
  private open: number[] = [];
  private head = 0;
  private finished = new Set<number>();

  /** A new change that is not durable yet. */
  issue(): number {
    const seq = this.nextSeq++;
    this.open.push(seq);
    return seq;
  }

  done(seq: number): void {
    this.finished.add(seq);
    while (this.head < this.open.length && this.finished.has(this.open[this.head]!)) {
      this.finished.delete(this.open[this.head]!);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.open.length) {
      this.open = this.open.slice(this.head);
      this.head = 0;
    }
  }

  /** The newest lseq issued so far (0 before the first). */
  get latest(): number {
    return this.nextSeq - 1;
  }

  get watermark(): number {
    return this.head < this.open.length ? this.open[this.head]! - 1 : this.nextSeq - 1;
  }

  get pendingCount(): number {
    return this.open.length - this.head;
  }
}

/**
 * A connection's save acks. Each update-carrying message is recorded with the
 * document's newest lseq at the moment it was read: once the watermark reaches
 * that lseq, the message's changes and everything the server held when it
 * answered are stored, so the count can be acknowledged.
 */
export class AckQueue {
  private waiting: { count: number; needs: number }[] = [];
  private received = 0;
  private acked = 0;

  /** Records the next update-carrying message; returns its count. */
  receive(needs: number): number {
    this.received++;
    this.waiting.push({ count: this.received, needs });
    return this.received;
  }

  /** The new ack count when the watermark released any messages, else null. */
  advance(watermark: number): number | null {
    let i = 0;
    while (i < this.waiting.length && this.waiting[i]!.needs <= watermark) i++;
    if (i === 0) return null;
    this.acked = this.waiting[i - 1]!.count;
    this.waiting.splice(0, i);
    return this.acked;
  }

  get ackedCount(): number {
    return this.acked;
  }

  get receivedCount(): number {
    return this.received;
  }
}
