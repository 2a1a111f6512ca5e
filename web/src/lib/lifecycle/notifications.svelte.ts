import type { Notification } from '@tandem/shared';
import { newsWords } from '$lib/checkins/format.ts';
import { realtime } from '$lib/realtime.ts';
import { notificationsApi } from './api.ts';

/** The signed-in person's in-app notifications, live from Socket.IO. */
class NotificationCenter {
  items = $state<Notification[]>([]);
  unread = $state(0);
  loaded = $state(false);
  /** The latest arrival, for the polite live region. */
  announcement = $state('');
  #forPatient = false;

  /** Loads the list and listens for new ones; returns the cleanup. Re-loads after a reconnect. */
  start(forPatient: boolean): () => void {
    this.#forPatient = forPatient;
    const socket = realtime();
    const onNew = (n: Notification) => {
      if (this.items.some((x) => x.id === n.id)) return;
      if (n.type === 'check_in_followed_up') this.#settle(n);
      this.items = [n, ...this.items];
      if (!n.readAt) this.unread++;
      this.announcement = describe(n, this.#forPatient);
    };
    const onConnect = () => void this.refresh();
    socket.on('notification:new', onNew);
    socket.on('connect', onConnect);
    void this.refresh();
    return () => {
      socket.off('notification:new', onNew);
      socket.off('connect', onConnect);
    };
  }

  async refresh(): Promise<void> {
    try {
      const list = await notificationsApi.list();
      this.items = list.items;
      this.unread = list.unread;
      this.loaded = true;
    } catch {
      // Offline or signed out: the session layer reports those; the menu keeps what it had.
    }
  }

  /** The server marked the alerts of a followed-up check-in read; so does this list. */
  #settle(news: Notification): void {
    const settled = (n: Notification) =>
      n.type === 'check_in_safety' && n.checkInId === news.checkInId && !n.readAt;
    const count = this.items.filter(settled).length;
    this.items = this.items.map((n) => (settled(n) ? { ...n, readAt: news.createdAt } : n));
    this.unread = Math.max(0, this.unread - count);
  }

  async markRead(ids: string[] | 'all'): Promise<void> {
    const now = new Date().toISOString();
    const hit = (n: Notification) => !n.readAt && (ids === 'all' || ids.includes(n.id));
    const count = this.items.filter(hit).length;
    if (count === 0 && ids !== 'all') return;
    this.items = this.items.map((n) => (hit(n) ? { ...n, readAt: now } : n));
    this.unread = ids === 'all' ? 0 : Math.max(0, this.unread - count);
    try {
      await notificationsApi.markRead(ids);
    } catch {
      await this.refresh();
    }
  }
}

export const notifications = new NotificationCenter();

/** One line a person understands without opening the plan; a patient reads of "your plan". */
export function describe(n: Notification, forPatient: boolean): string {
  const who = n.actor.name;
  const plan = forPatient ? 'your plan' : `${n.patientName}’s plan`;
  switch (n.type) {
    case 'mention':
      return `${who} mentioned you in a comment on ${plan}`;
    case 'patient_comment':
      return forPatient || n.actor.name !== n.patientName
        ? `${who} commented on a goal in ${plan}`
        : `${who} commented on a goal in their plan`;
    case 'reply':
      return `${who} replied in a conversation on ${plan}`;
    case 'version_signed':
      return forPatient
        ? `${who} signed version ${n.version} of your plan: see what changed`
        : `${who} signed version ${n.version} of ${plan}: it needs your co-signature`;
    case 'proposal_opened':
      return `${who} proposed a medication change on ${plan}`;
    case 'proposal_accepted':
      return `${who} accepted the medication change you proposed on ${plan}`;
    case 'proposal_declined':
      return `${who} declined the medication change you proposed on ${plan}`;
    case 'check_in_submitted':
      return n.instrument ? newsWords.completed(who, n.instrument) : `${who} completed a check-in`;
    // Only the mood check-in (PHQ-9) asks about self-harm.
    case 'check_in_safety':
      return newsWords.safety(who, n.instrument ?? 'phq9');
    case 'check_in_followed_up':
      return newsWords.followedUp(who, n.patientName, n.instrument ?? 'phq9');
  }
}

/** Where a notification leads: the goal's comments, the check-ins, the plan's history, or the patient's plan. */
export function notificationPath(n: Notification, forPatient: boolean): `/plans/${string}` {
  if (n.goalId) return `/plans/${n.planId}?goal=${encodeURIComponent(n.goalId)}`;
  if (n.checkInId) return `/plans/${n.planId}?open=checkins`;
  return forPatient ? `/plans/${n.planId}` : `/plans/${n.planId}?open=history`;
}
