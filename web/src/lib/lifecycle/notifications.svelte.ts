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
  /** Arrivals of the last while, numbered, so a list read meanwhile does not drop them. */
  #arrived: { seq: number; n: Notification }[] = [];
  #arrivals = 0;
  #reads = 0;
  #reading = 0;

  /** Loads the list and listens for new ones; returns the cleanup. Re-loads after a reconnect. */
  start(forPatient: boolean): () => void {
    this.#forPatient = forPatient;
    const socket = realtime();
    const onNew = (n: Notification) => {
      if (this.items.some((x) => x.id === n.id)) return;
      this.#arrived = [...this.#arrived, { seq: ++this.#arrivals, n }].slice(-20);
      if (n.type === 'check_in_followed_up') this.#settle(n);
      this.items = [n, ...this.items];
      if (!n.readAt) this.unread++;
      this.announcement = describe(n, this.#forPatient);
    };
    // Doing what a notification asked (co-signing, reviewing, deciding, answering) settles it
    // on the server, which then says the plan's standing changed: unread news of it is read again.
    const onStanding = ({ planId }: { planId: string }) => {
      const unreadHere = this.items.filter((n) => !n.readAt);
      if (unreadHere.some((n) => n.planId === planId) || this.unread > unreadHere.length)
        void this.refresh();
    };
    const onConnect = () => void this.refresh();
    socket.on('notification:new', onNew);
    socket.on('plan:standing', onStanding);
    socket.on('connect', onConnect);
    void this.refresh();
    return () => {
      socket.off('notification:new', onNew);
      socket.off('plan:standing', onStanding);
      socket.off('connect', onConnect);
    };
  }

  /** Reads the list again; of reads that overlap, the last one asked for is kept. */
  async refresh(): Promise<void> {
    const read = ++this.#reads;
    const since = this.#arrivals;
    this.#reading++;
    try {
      const list = await notificationsApi.list();
      if (read !== this.#reads) return;
      // What arrived live while the list was read may be missing from it.
      const missed = this.#arrived
        .filter(({ seq, n }) => seq > since && !list.items.some((x) => x.id === n.id))
        .map(({ n }) => n);
      this.items = [...missed, ...list.items];
      this.unread = list.unread + missed.filter((n) => !n.readAt).length;
      this.loaded = true;
    } catch {
      // Offline or signed out: the session layer reports those; the menu keeps what it had.
    } finally {
      this.#reading--;
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
    // A list being read now may predate this: it is set aside and read again after.
    const overtaken = this.#reading > 0;
    this.#reads++;
    try {
      await notificationsApi.markRead(ids);
      if (overtaken) await this.refresh();
    } catch {
      await this.refresh();
    }
  }
}

export const notifications = new NotificationCenter();

/** A goal's title in quotes, shortened to fit one line of the menu. */
function quoted(title: string): string {
  const t = title.trim();
  return `“${t.length > 60 ? `${t.slice(0, 59).trimEnd()}…` : t}”`;
}

/**
 * One line a person understands without opening the plan; a patient reads of
 * "your plan". A comment's news names its goal, never what the comment says.
 */
export function describe(n: Notification, forPatient: boolean): string {
  const who = n.actor.name;
  const plan = forPatient ? 'your plan' : `${n.patientName}’s plan`;
  const goal = n.goalTitle?.trim() ? quoted(n.goalTitle) : null;
  // The patient writing about their own plan needs no "in Alex Morgan's plan".
  const ownPlan = !forPatient && n.actor.name === n.patientName;
  switch (n.type) {
    case 'mention':
      return goal
        ? `${who} mentioned you in a comment on ${goal} in ${plan}`
        : `${who} mentioned you in a comment on ${plan}`;
    case 'patient_comment':
      if (goal)
        return ownPlan ? `${who} commented on ${goal}` : `${who} commented on ${goal} in ${plan}`;
      return ownPlan
        ? `${who} commented on a goal in their plan`
        : `${who} commented on a goal in ${plan}`;
    case 'reply':
      return goal
        ? `${who} replied in the conversation on ${goal} in ${plan}`
        : `${who} replied in a conversation on ${plan}`;
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
