import type { CollabIdentity } from './types.ts';
import type { AwarenessEntry } from './protocol.ts';

/**
 * Presence is tied to who is signed in: whatever a client claims in its
 * awareness `user` field, peers see the authenticated user's id, name and role.
 */
export function stampIdentity(
  state: Record<string, unknown> | null,
  identity: CollabIdentity,
): Record<string, unknown> | null {
  if (state === null) return null;
  const claimed = state.user;
  const claimedColor =
    claimed && typeof claimed === 'object' ? (claimed as Record<string, unknown>).color : undefined;
  return {
    ...state,
    user: {
      id: identity.userId,
      name: identity.name,
      role: identity.role,
      color: isColor(claimedColor) ? claimedColor : colorFor(identity.userId),
    },
  };
}

function isColor(v: unknown): v is string {
  return typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v);
}

const PALETTE = ['#1f6feb', '#8250df', '#bf3989', '#cf222e', '#9a6700', '#1a7f37', '#0969da'];

/** A stable color per user, so a person keeps their cursor color across devices. */
export function colorFor(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

export type ThrottleOptions = { burst: number; perSecond: number };

/**
 * A token bucket for one connection's awareness messages. Excess messages are
 * not dropped outright: the newest state per client is kept and applied when
 * the bucket refills, so a flood costs peers little and the last cursor
 * position still arrives.
 */
export class AwarenessThrottle {
  private tokens: number;
  private last: number;
  private held = new Map<number, AwarenessEntry>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly opts: ThrottleOptions,
    private readonly apply: (entries: AwarenessEntry[]) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = opts.burst;
    this.last = now();
  }

  offer(entries: AwarenessEntry[]): void {
    if (this.held.size === 0 && this.take()) {
      this.apply(entries);
      return;
    }
    for (const e of entries) {
      const prev = this.held.get(e.clientId);
      if (!prev || prev.clock <= e.clock) this.held.set(e.clientId, e);
    }
    this.schedule();
  }

  /** Number of client states waiting for the bucket to refill. */
  get heldCount(): number {
    return this.held.size;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.held.clear();
  }

  private take(): boolean {
    const now = this.now();
    this.tokens = Math.min(
      this.opts.burst,
      this.tokens + ((now - this.last) / 1000) * this.opts.perSecond,
    );
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.ceil(((1 - this.tokens) / this.opts.perSecond) * 1000);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (this.held.size === 0) return;
        if (!this.take()) return this.schedule();
        const entries = [...this.held.values()];
        this.held.clear();
        this.apply(entries);
      },
      Math.max(wait, 1),
    );
    this.timer.unref();
  }
}
