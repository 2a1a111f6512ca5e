import {
  readList,
  roleMay,
  type CheckIn,
  type Comment,
  type CommentThread,
  type GoalEntry,
  type PlanDetail,
  type Proposal,
  type TeamMemberInfo,
} from '@tandem/shared';
import { read, type Versioned } from '$lib/plan/live.ts';
import { realtime, type TandemSocket } from '$lib/realtime.ts';
import { CheckInLog } from '$lib/checkins/check-in-log.svelte.ts';
import { checkInNews } from '$lib/checkins/format.ts';
import { RECORDS_CHANGED } from '$lib/collab/stash.ts';
import { commentsApi, proposalsApi, teamApi } from './api.ts';
import { isCommentDraft, keptCommentDrafts, type CommentTarget } from './comment-draft.ts';
import { errorText } from './format.ts';

export type DrawerView = 'comments' | 'history';

/** The plan's live documents, as the workspace holds them (absent until connected). */
export type LiveSources = () => { care?: Versioned; medications?: Versioned };

export type Me = { id: string; name: string };

/**
 * The plan's lifecycle state in this tab: comment threads, medication
 * proposals and who can be mentioned, kept live through the plan's Socket.IO
 * room. One per open plan; the workspace creates it and the panels read it.
 */
export class PlanLifecycle {
  threads = $state<CommentThread[]>([]);
  commentsLoaded = $state(false);
  commentsError = $state<string | null>(null);
  proposals = $state<Proposal[]>([]);
  /** Clinicians who can be @mentioned (the patient cannot list the team). */
  members = $state<TeamMemberInfo[]>([]);
  /** The latest live change, read out by the polite live region. */
  announcement = $state('');
  drawer = $state<DrawerView | null>(null);
  /** The goal whose comments were asked for (from a notification or a goal's button). */
  focusGoal = $state<string | null>(null);
  /** A part of the plan a link asked for (`?open=checkins`): it scrolls itself into view once shown. */
  focusSection = $state<string | null>(null);
  /** The patient's check-ins (PHQ-9, GAD-7), live. */
  readonly checkIns: CheckInLog;
  /** Bumped when something recorded elsewhere (a proposal decision) belongs in the history. */
  historyTick = $state(0);
  /**
   * Bumped when a version was saved, renamed or signed (by anyone, anywhere),
   * and after a reconnect, which may have missed such news.
   */
  versionTick = $state(0);
  /** Bumped when someone acknowledged an interaction warning, and after a reconnect. */
  interactionTick = $state(0);
  /** Messages written in this plan on this device and not sent yet (comment-draft.ts). */
  unsent = $state<CommentTarget[]>([]);
  /** Resolved conversations this person answered on this page: they stay in view with the answer. */
  #answered = $state<string[]>([]);

  readonly #socket: TandemSocket;
  readonly #off: (() => void)[] = [];
  #destroyed = false;

  constructor(
    readonly plan: PlanDetail,
    readonly me: Me,
    private readonly sources: LiveSources,
  ) {
    this.#socket = realtime();
    this.checkIns = new CheckInLog(plan.id);
    const onCreated = (c: Comment) => {
      if (c.planId !== plan.id) return;
      // Asked before the comment joins its thread: had this person written in it already?
      const notified = this.#notifies(c);
      this.#upsert(c);
      // What also arrives as a notification is read out once, by the notifications menu.
      if (c.author.id !== me.id && !notified) {
        this.announcement = `New comment from ${c.author.name} on “${this.goalTitle(c.goalId)}”.`;
      }
    };
    const onUpdated = (c: Comment) => {
      if (c.planId === plan.id) this.#upsert(c);
    };
    const onProposal = (p: Proposal) => {
      if (p.planId !== plan.id) return;
      this.upsertProposal(p);
      if (p.proposedBy.id !== me.id || p.status !== 'open') {
        this.announcement =
          p.status === 'open'
            ? `New medication proposal from ${p.proposedBy.name}: ${p.summary}.`
            : `Medication proposal ${p.status}: ${p.summary}.`;
      }
    };
    const onCheckIn = (c: CheckIn) => {
      if (c.planId !== plan.id) return;
      const known = this.checkIns.items.some((x) => x.id === c.id);
      this.checkIns.upsert(c);
      const news = checkInNews(c, {
        known,
        me: me.id,
        patient: plan.patient.name,
        role: plan.role,
      });
      if (news) this.announcement = news;
    };
    const onVersion = (e: { planId: string }) => {
      if (e.planId === plan.id) this.versionTick++;
    };
    const onInteraction = (e: { planId: string }) => {
      if (e.planId === plan.id) this.interactionTick++;
    };
    // After a reconnect the room is gone on the server: join again and catch up on what was missed.
    const onConnect = () => {
      this.versionTick++;
      this.interactionTick++;
      void this.#join();
    };
    this.#socket.on('comment:created', onCreated);
    this.#socket.on('comment:updated', onUpdated);
    this.#socket.on('proposal:updated', onProposal);
    this.#socket.on('checkin:updated', onCheckIn);
    this.#socket.on('version:updated', onVersion);
    this.#socket.on('interaction:acknowledged', onInteraction);
    this.#socket.on('connect', onConnect);
    this.#off.push(() => {
      this.#socket.off('comment:created', onCreated);
      this.#socket.off('comment:updated', onUpdated);
      this.#socket.off('proposal:updated', onProposal);
      this.#socket.off('checkin:updated', onCheckIn);
      this.#socket.off('version:updated', onVersion);
      this.#socket.off('interaction:acknowledged', onInteraction);
      this.#socket.off('connect', onConnect);
    });
    // The drawer may be closed on a message being written: its button says so.
    const listUnsent = () =>
      void keptCommentDrafts(me.id, plan.id).then((targets) => {
        if (!this.#destroyed) this.unsent = targets;
      });
    const onRecords = (e: Event) => {
      if (isCommentDraft(plan.id, (e as CustomEvent<string>).detail)) listUnsent();
    };
    listUnsent();
    addEventListener(RECORDS_CHANGED, onRecords);
    this.#off.push(() => removeEventListener(RECORDS_CHANGED, onRecords));
    if (this.#socket.connected) void this.#join();
    else void this.#load();
    if (roleMay(plan.role, 'team.read')) {
      teamApi
        .get(plan.team.id)
        .then((t) => (this.members = t.members))
        .catch(() => {
          // Mentions are a convenience: without the team list, comments still work.
        });
    }
  }

  get canProposeChanges(): boolean {
    return roleMay(this.plan.role, 'medication.propose');
  }
  get canDecide(): boolean {
    return roleMay(this.plan.role, 'medication.decide');
  }
  get canSeeHistory(): boolean {
    return roleMay(this.plan.role, 'plan.history');
  }

  /** The plan's goals as they are right now (live from the care document). */
  get goals(): GoalEntry[] {
    const care = this.sources().care;
    return care ? read(care, (d) => readList(d, 'goals')) : [];
  }

  /** Changes whenever any live document changes: panels re-read derived server views on it. */
  get liveVersion(): number {
    const { care, medications } = this.sources();
    return (care?.version ?? 0) + (medications?.version ?? 0);
  }

  get medications(): Versioned | undefined {
    return this.sources().medications;
  }

  goalTitle(goalId: string): string {
    return (
      this.goals.find((g) => g.id === goalId)?.title ||
      this.removedGoalTitle(goalId) ||
      'a goal no longer in the plan'
    );
  }

  /** What a removed goal was called, as its newest conversation recorded it; null if none did. */
  removedGoalTitle(goalId: string): string | null {
    return this.threadsFor(goalId).findLast((t) => t.goalTitle)?.goalTitle ?? null;
  }

  threadsFor(goalId: string): CommentThread[] {
    return this.threads.filter((t) => t.goalId === goalId);
  }

  /**
   * Goals taken out of the plan that conversations, or a message unsent on
   * this device, are still about: they stay readable, and the message can
   * still be sent, under their own heading.
   */
  get removedGoalIds(): string[] {
    const ids = [
      ...this.threads.map((t) => t.goalId),
      ...this.unsent.flatMap((t) => ('goal' in t ? [t.goal] : [])),
    ];
    return ids.filter((id, i) => ids.indexOf(id) === i && !this.goals.some((g) => g.id === id));
  }

  /** Unsent messages the comments panel shows: on goals (removed ones too), conversations and comments. */
  get unsentCount(): number {
    return this.unsent.filter((t) => 'goal' in t || this.threads.some((c) => this.#holds(c, t)))
      .length;
  }

  /**
   * A resolved conversation stays in view while a reply or a change waits
   * unsent in it on this device, and once one is sent from this page: what the
   * person just wrote does not vanish with it.
   */
  staysInView(thread: CommentThread): boolean {
    return this.#answered.includes(thread.id) || this.unsent.some((t) => this.#holds(thread, t));
  }

  /** Called as a reply or a change is sent in `thread`. */
  answering(thread: CommentThread): void {
    if (thread.resolvedAt && !this.#answered.includes(thread.id)) this.#answered.push(thread.id);
  }

  #holds(thread: CommentThread, t: CommentTarget): boolean {
    if ('thread' in t) return t.thread === thread.id;
    return 'edit' in t && thread.comments.some((c) => c.id === t.edit);
  }

  get openThreadCount(): number {
    return this.threads.filter((t) => !t.resolvedAt).length;
  }

  get openProposals(): Proposal[] {
    return this.proposals.filter((p) => p.status === 'open');
  }

  /** Opens the comments drawer at a goal (clinicians) or marks the goal to scroll to (patient). */
  showGoal(goalId: string): void {
    this.focusGoal = goalId;
    if (this.plan.role !== 'patient') this.drawer = 'comments';
  }

  async #join(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#socket.emit('plan:join', this.plan.id, (res) => {
        if (!res.ok) this.commentsError = res.error.message;
        resolve();
      });
    });
    await this.#load();
  }

  async #load(): Promise<void> {
    void this.checkIns.load();
    try {
      const [threads, proposals] = await Promise.all([
        commentsApi.list(this.plan.id),
        this.canSeeHistory ? proposalsApi.list(this.plan.id) : Promise.resolve([]),
      ]);
      if (this.#destroyed) return;
      this.threads = threads;
      this.proposals = proposals;
      this.commentsLoaded = true;
      this.commentsError = null;
    } catch (err) {
      if (!this.#destroyed) this.commentsError = errorText(err);
    }
  }

  /** Adds or replaces a comment; the author's own copy arrives both in the response and live. */
  /**
   * Whether the server also sends this person a notification of comment `c` (comments/service.ts):
   * a mention, a patient's comment to the care team, a reply in a conversation they wrote in.
   */
  #notifies(c: Comment): boolean {
    if (c.mentions.includes(this.me.id)) return true;
    if (c.author.role === 'patient' && this.plan.role !== 'patient') return true;
    if (c.threadId === c.id) return false;
    const thread = this.threads.find((t) => t.id === c.threadId);
    return thread?.comments.some((x) => x.author.id === this.me.id) ?? false;
  }

  upsert(c: Comment): void {
    this.#upsert(c);
  }

  #upsert(c: Comment): void {
    const thread = this.threads.find((t) => t.id === c.threadId);
    if (!thread) {
      if (c.threadId === c.id)
        this.threads.push({
          id: c.id,
          goalId: c.goalId,
          goalTitle: c.goalTitle,
          resolvedAt: c.resolvedAt,
          comments: [c],
        });
      return;
    }
    const i = thread.comments.findIndex((x) => x.id === c.id);
    if (i >= 0) thread.comments[i] = c;
    else thread.comments.push(c);
    if (c.id === thread.id) thread.resolvedAt = c.resolvedAt;
  }

  upsertProposal(p: Proposal): void {
    const known = this.proposals.some((x) => x.id === p.id);
    this.proposals = known
      ? this.proposals.map((x) => (x.id === p.id ? p : x))
      : [p, ...this.proposals];
    this.historyTick++;
  }

  destroy(): void {
    this.#destroyed = true;
    for (const off of this.#off) off();
    if (this.#socket.connected) this.#socket.emit('plan:leave', this.plan.id);
  }
}
