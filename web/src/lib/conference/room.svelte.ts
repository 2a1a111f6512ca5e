import type {
  ClientToServerEvents,
  ConferenceFocus,
  ConferenceLive,
  ConferenceNavigation,
  ConferenceRecordEvent,
  ConferenceRecords,
  ConferenceSection,
  ConferenceStateEvent,
  ConferenceView,
} from '@tandem/shared';
import { api } from '$lib/api.ts';
import { realtime, type TandemSocket } from '$lib/realtime.ts';

type AckResult<T> =
  { ok: true; data?: T } | { ok: false; error: { code: string; message: string } };

/**
 * One person's seat in a live conference: the server's state (which wins),
 * whether they follow the presenter, and where they look when they do not.
 * The server sends what this person may see; nothing here filters.
 */
export class ConferenceRoom {
  view = $state<ConferenceView>() as ConferenceView;
  live = $state<ConferenceLive>() as ConferenceLive;
  following = $state(true);
  /** Where this person looks while not following. */
  local = $state<ConferenceFocus | null>(null);
  records = $state<ConferenceRecords>({ decisions: [], actionItems: [] });
  joined = $state(false);
  /** A refusal or failure to show, in words. */
  problem = $state<string | null>(null);
  /** Server clock minus this device's, so timers read the same everywhere. */
  offsetMs = $state(0);

  private readonly socket: TandemSocket;
  private readonly id: string;

  constructor(
    view: ConferenceView,
    private readonly me: { id: string },
  ) {
    this.view = view;
    this.live = view.live;
    this.id = view.id;
    this.adoptClock(view.live);
    this.socket = realtime();
    this.socket.on('conference:state', this.onState);
    this.socket.on('conference:navigate', this.onNavigate);
    this.socket.on('conference:record', this.onRecord);
    this.socket.on('connect', this.onConnect);
    if (this.socket.connected) void this.join();
    void this.loadRecords();
  }

  get presenting(): boolean {
    return this.live.presenter?.id === this.me.id;
  }

  /** The case and section on this person's screen. */
  get viewing(): ConferenceFocus | null {
    // Before the start and after the end, everyone browses on their own.
    if (this.live.status !== 'live') return this.local;
    if (this.presenting || this.following) return this.live.focus;
    return this.local ?? this.live.focus;
  }

  get ended(): boolean {
    return this.live.status === 'ended';
  }

  /** The presenter moves the room; anyone else looking elsewhere stops following. */
  async select(caseId: string, section: ConferenceSection): Promise<void> {
    if (this.live.status !== 'live') {
      this.local = { caseId, section };
      return;
    }
    if (this.presenting) {
      await this.send('conference:navigate', { conferenceId: this.id, caseId, section });
      return;
    }
    this.local = { caseId, section };
    if (this.following) await this.setFollowing(false);
  }

  async setFollowing(following: boolean): Promise<void> {
    this.following = following;
    const res = await this.send<{ focus: ConferenceFocus | null }>('conference:follow', {
      conferenceId: this.id,
      following,
    });
    if (following && res?.focus !== undefined) {
      this.live = { ...this.live, focus: res.focus };
      this.local = null;
    }
  }

  timer(action: 'start' | 'pause' | 'reset', caseId: string) {
    return this.send('conference:timer', { conferenceId: this.id, caseId, action });
  }

  hand(raised: boolean, userId?: string) {
    return this.send('conference:hand', {
      conferenceId: this.id,
      raised,
      ...(userId ? { userId } : {}),
    });
  }

  passPresenter(userId: string) {
    return this.send('conference:presenter', { conferenceId: this.id, userId });
  }

  /** REST answers (start, end) carry the newest state; adopt it like a broadcast. */
  adopt(view: ConferenceView): void {
    this.view = view;
    this.applyLive(view.live);
  }

  async loadRecords(): Promise<void> {
    try {
      this.records = await api<ConferenceRecords>(`/conferences/${this.id}/records`);
    } catch {
      // Shown empty; a captured record arrives live anyway.
    }
  }

  destroy(): void {
    this.socket.off('conference:state', this.onState);
    this.socket.off('conference:navigate', this.onNavigate);
    this.socket.off('conference:record', this.onRecord);
    this.socket.off('connect', this.onConnect);
    if (this.joined) this.socket.emit('conference:leave', { conferenceId: this.id });
  }

  private async join(): Promise<void> {
    const res = await this.send<ConferenceView>('conference:join', { conferenceId: this.id });
    if (!res) return;
    this.joined = true;
    this.view = res;
    this.applyLive(res.live);
    // A reconnect lands following; someone who had stopped stays where they were.
    if (!this.following && !this.presenting) {
      await this.send('conference:follow', { conferenceId: this.id, following: false });
    }
  }

  private send<T = unknown>(
    event: keyof ClientToServerEvents,
    payload: unknown,
  ): Promise<T | null> {
    return new Promise((resolve) => {
      (this.socket.emit as (e: string, p: unknown, ack: (r: AckResult<T>) => void) => void)(
        event,
        payload,
        (res) => {
          if (res.ok) {
            this.problem = null;
            resolve((res.data ?? null) as T | null);
          } else {
            this.problem = res.error.message;
            resolve(null);
          }
        },
      );
    });
  }

  private applyLive(live: ConferenceLive): void {
    if (live.seq < this.live.seq) return;
    this.live = live;
    this.adoptClock(live);
  }

  private adoptClock(live: ConferenceLive): void {
    this.offsetMs = Date.parse(live.serverNow) - Date.now();
  }

  private onState = (e: ConferenceStateEvent) => {
    if (e.conferenceId === this.id) this.applyLive(e.live);
  };

  private onNavigate = (e: ConferenceNavigation) => {
    if (e.conferenceId !== this.id || e.seq < this.live.seq) return;
    this.live = { ...this.live, focus: e.focus };
  };

  private onRecord = (e: ConferenceRecordEvent) => {
    if (e.conferenceId !== this.id) return;
    if (e.type === 'decision') {
      if (!this.records.decisions.some((d) => d.id === e.decision.id)) {
        this.records.decisions = [...this.records.decisions, e.decision];
      }
    } else if (!this.records.actionItems.some((a) => a.id === e.actionItem.id)) {
      this.records.actionItems = [...this.records.actionItems, e.actionItem];
    }
  };

  private onConnect = () => void this.join();
}
