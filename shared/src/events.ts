import type { Comment, Notification } from './comments.ts';
import type { Proposal } from './proposals.ts';
import type { CheckIn } from './checkins/api.ts';
import type { VersionSummary } from './versions/api.ts';
import type { PlanInteraction } from './interactions/api.ts';
import type {
  ConferenceFocus,
  ConferenceNavigation,
  ConferenceRecordEvent,
  ConferenceStateEvent,
  ConferenceView,
  FollowPayload,
  HandPayload,
  JoinConferencePayload,
  NavigatePayload,
  PresenterPayload,
  TimerPayload,
} from './conference.ts';

/** Socket.IO event maps shared by the server and the web app. */

export type Ack<T = unknown> = (
  result: { ok: true; data?: T } | { ok: false; error: { code: string; message: string } },
) => void;

export type ServerToClientEvents = {
  /** The session behind this socket ended (logout or expiry); the socket closes next. */
  'session:ended': (payload: { reason: string }) => void;
  /** This person's place in a care team changed (role, or removed): what they may see and do is read again. */
  'access:changed': (event: { teamId: string }) => void;
  /** A comment was posted, edited, resolved or reopened on a plan the socket has joined. */
  'comment:created': (comment: Comment) => void;
  'comment:updated': (comment: Comment) => void;
  /** Sent to the one person notified. */
  'notification:new': (notification: Notification) => void;
  /** A medication proposal was made, accepted or declined on a joined plan; to its care team only. */
  'proposal:updated': (proposal: Proposal) => void;
  /**
   * A check-in was completed, or its safety answer followed up, on a joined plan.
   * The care team receives the follow-up note; the patient receives it without.
   */
  'checkin:updated': (checkIn: CheckIn) => void;
  /** A prescriber kept a flagged medication combination on purpose; to the care team only. */
  'interaction:acknowledged': (event: { planId: string; interaction: PlanInteraction }) => void;
  /** Where a plan the person may open stands changed (versions, proposals, comment threads): plan lists read it again. */
  'plan:standing': (event: { planId: string }) => void;
  /** A version of a joined plan was saved, renamed, signed, co-signed or acknowledged. */
  'version:updated': (event: { planId: string; version: VersionSummary }) => void;
  /** A joined conference changed (status, presenter, timers, hands, participants), as this audience may see it. */
  'conference:state': (event: ConferenceStateEvent) => void;
  /** The presenter moved; sent only to those following. */
  'conference:navigate': (event: ConferenceNavigation) => void;
  /** A decision or action item was captured for a case this audience may see. */
  'conference:record': (event: ConferenceRecordEvent) => void;
};

export type ClientToServerEvents = {
  /** Joins the live room of a plan the user may read. */
  'plan:join': (planId: string, ack: Ack) => void;
  'plan:leave': (planId: string) => void;
  /** Enters a conference (following the presenter); answers with the conference as the caller may see it. */
  'conference:join': (payload: JoinConferencePayload, ack: Ack<ConferenceView>) => void;
  'conference:leave': (payload: JoinConferencePayload, ack?: Ack) => void;
  /** Presenter only. */
  'conference:navigate': (payload: NavigatePayload, ack: Ack) => void;
  /** Stops or resumes following; resuming answers with where the presenter is. */
  'conference:follow': (
    payload: FollowPayload,
    ack: Ack<{ focus: ConferenceFocus | null }>,
  ) => void;
  /** Presenter only. */
  'conference:timer': (payload: TimerPayload, ack: Ack) => void;
  'conference:hand': (payload: HandPayload, ack: Ack) => void;
  /** The presenter passes the role; a coordinator may take it. */
  'conference:presenter': (payload: PresenterPayload, ack: Ack) => void;
};

export const planRoom = (planId: string) => `plan:${planId}`;
/** The care team's part of a plan's room: news the patient may not read (medication proposals). */
export const planTeamRoom = (planId: string) => `plan-team:${planId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
