import { z } from 'zod';
import { requiredText } from './text.ts';
import type { CheckIn } from './checkins/api.ts';
import { ROLES } from './roles.ts';
import { ObjectIdString, PLAN_VIEW_SECTIONS } from './plans.ts';
import { MedicationChange } from './proposals.ts';
import type { PlanSnapshot } from './versions/snapshot.ts';
import type { PlanChange } from './versions/diff.ts';

/**
 * Case conferences: the care team meets live around an agenda of its
 * patients' plans. REST payloads, the live state carried over Socket.IO, and
 * the names of the minutes documents served on /collab.
 */

export const CONFERENCE_STATUSES = ['scheduled', 'live', 'ended'] as const;
export type ConferenceStatus = (typeof CONFERENCE_STATUSES)[number];

/** Where in a case the presenter can take the room. */
export const CONFERENCE_SECTIONS = [...PLAN_VIEW_SECTIONS, 'changes', 'comments'] as const;
export type ConferenceSection = (typeof CONFERENCE_SECTIONS)[number];

export const CONFERENCE_SECTION_LABELS: Record<ConferenceSection, string> = {
  overview: 'Overview',
  goals: 'Goals',
  medications: 'Medications',
  therapy: 'Therapy',
  monitoring: 'Monitoring',
  checkins: 'Check-ins',
  safety: 'Safety plan',
  education: 'Education',
  changes: 'Recent changes',
  comments: 'Open comments',
};

export const MAX_AGENDA_CASES = 30;

const Text = requiredText;

export const AgendaCaseInput = z.strictObject({
  planId: ObjectIdString,
  reason: Text(500),
  timeBoxMinutes: z.number().int().min(1).max(120),
  /** The patient may join the part of the conference about their own case. */
  patientInvited: z.boolean().default(false),
});
export type AgendaCaseInput = z.input<typeof AgendaCaseInput>;

const Agenda = z
  .array(AgendaCaseInput)
  .min(1, 'add at least one case')
  .max(MAX_AGENDA_CASES)
  .refine((cases) => new Set(cases.map((c) => c.planId)).size === cases.length, {
    message: 'a plan can be on the agenda once',
  });

export const CreateConferenceRequest = z.strictObject({
  teamId: ObjectIdString,
  title: Text(200),
  scheduledAt: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int().min(5).max(480).default(60),
  cases: Agenda,
});
export type CreateConferenceRequest = z.input<typeof CreateConferenceRequest>;

/** Changes a scheduled conference; `cases` replaces the agenda in the given order. */
export const UpdateConferenceRequest = z
  .strictObject({
    title: Text(200).optional(),
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
    durationMinutes: z.number().int().min(5).max(480).optional(),
    cases: Agenda.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, { message: 'nothing to change' });
export type UpdateConferenceRequest = z.input<typeof UpdateConferenceRequest>;

export const ConferenceListQuery = z.strictObject({
  when: z.enum(['upcoming', 'past', 'all']).default('upcoming'),
});

/** A calendar date (YYYY-MM-DD). */
export const DueDate = z.iso.date();

export const CreateDecisionRequest = z.strictObject({
  text: Text(2000),
  /** A decision that changes medication becomes a proposal for the prescriber on the case's plan. */
  medicationChange: MedicationChange.optional(),
});
export type CreateDecisionRequest = z.input<typeof CreateDecisionRequest>;

export const CreateActionItemRequest = z.strictObject({
  text: Text(500),
  ownerId: ObjectIdString,
  dueDate: DueDate,
});
export type CreateActionItemRequest = z.input<typeof CreateActionItemRequest>;

export const ACTION_ITEM_STATUSES = ['open', 'done'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export const UpdateActionItemRequest = z.strictObject({ status: z.enum(ACTION_ITEM_STATUSES) });

// ---- What the server returns -------------------------------------------------

export type PersonRef = { id: string; name: string };

export type ConferenceCase = {
  id: string;
  position: number;
  planId: string;
  patient: PersonRef;
  reason: string;
  timeBoxMinutes: number;
  patientInvited: boolean;
  /** The co-edited minutes of this case on /collab. */
  minutesDoc: string;
};

export type ConferenceFocus = { caseId: string; section: ConferenceSection };

/**
 * A case's timer. The server stores when it was last started and how much ran
 * before; clients compute the running time from those and their offset to
 * `serverNow`, so no ticking events are sent.
 */
export type CaseTimer = { caseId: string; elapsedMs: number; startedAt: string | null };

export type RaisedHand = { userId: string; name: string; raisedAt: string };

export type ConferenceParticipant = {
  userId: string;
  name: string;
  role: (typeof ROLES)[number];
  following: boolean;
  /** Connected tabs/devices of this person. */
  connections: number;
};

export type ConferenceLive = {
  /** Grows with every change; a client keeps the state with the highest seq. */
  seq: number;
  status: ConferenceStatus;
  /** Where the presenter is; null for a patient while another case is discussed. */
  focus: ConferenceFocus | null;
  presenter: PersonRef | null;
  timers: CaseTimer[];
  hands: RaisedHand[];
  participants: ConferenceParticipant[];
  startedAt: string | null;
  endedAt: string | null;
  serverNow: string;
};

export type ConferenceViewer = {
  kind: 'team' | 'patient';
  role: (typeof ROLES)[number];
  /** A patient's own case; null for the care team. */
  caseId: string | null;
  canManage: boolean;
  canRecord: boolean;
};

/** A conference as one person may see it: a patient sees their own case only. */
export type ConferenceView = {
  id: string;
  title: string;
  team: PersonRef;
  scheduledAt: string;
  durationMinutes: number;
  createdBy: PersonRef;
  cases: ConferenceCase[];
  live: ConferenceLive;
  viewer: ConferenceViewer;
};

export type ConferenceSummary = {
  id: string;
  title: string;
  team: PersonRef;
  scheduledAt: string;
  durationMinutes: number;
  status: ConferenceStatus;
  caseCount: number;
  startedAt: string | null;
  endedAt: string | null;
};

export type ConferenceDecision = {
  id: string;
  conferenceId: string;
  caseId: string;
  planId: string;
  text: string;
  medicationChange: MedicationChange | null;
  proposalId: string | null;
  createdBy: PersonRef;
  createdAt: string;
};

export type ActionItem = {
  id: string;
  conferenceId: string;
  conferenceTitle: string;
  caseId: string;
  planId: string;
  patient: PersonRef;
  text: string;
  owner: PersonRef;
  dueDate: string;
  status: ActionItemStatus;
  createdBy: PersonRef;
  createdAt: string;
  completedAt: string | null;
};

export type ConferenceRecords = { decisions: ConferenceDecision[]; actionItems: ActionItem[] };

/** What the live view shows of the case on screen. */
export type CaseBrief = {
  caseId: string;
  planId: string;
  snapshot: PlanSnapshot;
  recentChanges: {
    since: { number: number; label: string; at: string } | null;
    changes: PlanChange[];
  };
  /** The patient's check-ins, newest first; the follow-up notes only for the care team. */
  checkIns: CheckIn[];
  openComments: {
    id: string;
    goalId: string;
    author: string;
    body: string;
    createdAt: string;
    replies: number;
  }[];
};

export type AttendanceInterval = { joinedAt: string; leftAt: string };
export type AttendanceEntry = {
  userId: string;
  name: string;
  role: (typeof ROLES)[number];
  /** Times present while the conference was live, merged across tabs. */
  intervals: AttendanceInterval[];
};

export type MinutesCase = {
  caseId: string;
  position: number;
  patient: PersonRef;
  planId: string;
  reason: string;
  timeBoxMinutes: number;
  timeUsedMs: number;
  discussion: string;
  decisions: ConferenceDecision[];
  actionItems: ActionItem[];
};

export type ConferenceMinutes = {
  conferenceId: string;
  title: string;
  team: PersonRef;
  scheduledAt: string;
  status: ConferenceStatus;
  startedAt: string | null;
  endedAt: string | null;
  attendance: AttendanceEntry[];
  cases: MinutesCase[];
};

/** A case's conference summary, listed in its plan's history. */
export type PlanConferenceSummary = {
  conferenceId: string;
  caseId: string;
  title: string;
  startedAt: string | null;
  endedAt: string;
  reason: string;
  decisions: number;
  actionItems: number;
  /** The printable minutes page, anchored at this case. */
  href: string;
  markdownHref: string;
};

// ---- Socket.IO payloads --------------------------------------------------------

export const JoinConferencePayload = z.strictObject({ conferenceId: ObjectIdString });
export const NavigatePayload = z.strictObject({
  conferenceId: ObjectIdString,
  caseId: ObjectIdString,
  section: z.enum(CONFERENCE_SECTIONS),
});
export const FollowPayload = z.strictObject({
  conferenceId: ObjectIdString,
  following: z.boolean(),
});
export const TimerPayload = z.strictObject({
  conferenceId: ObjectIdString,
  caseId: ObjectIdString,
  action: z.enum(['start', 'pause', 'reset']),
});
/** Raises or lowers one's own hand; the presenter may lower anyone's (`userId`). */
export const HandPayload = z.strictObject({
  conferenceId: ObjectIdString,
  raised: z.boolean(),
  userId: ObjectIdString.optional(),
});
export const PresenterPayload = z.strictObject({
  conferenceId: ObjectIdString,
  userId: ObjectIdString,
});
export type NavigatePayload = z.infer<typeof NavigatePayload>;
export type FollowPayload = z.infer<typeof FollowPayload>;
export type TimerPayload = z.infer<typeof TimerPayload>;
export type HandPayload = z.infer<typeof HandPayload>;
export type PresenterPayload = z.infer<typeof PresenterPayload>;
export type JoinConferencePayload = z.infer<typeof JoinConferencePayload>;

/** Sent to followers only when the presenter moves. */
export type ConferenceNavigation = {
  conferenceId: string;
  seq: number;
  focus: ConferenceFocus | null;
  presenterId: string | null;
};

export type ConferenceStateEvent = { conferenceId: string; live: ConferenceLive };
export type ConferenceRecordEvent =
  | { conferenceId: string; type: 'decision'; decision: ConferenceDecision }
  | { conferenceId: string; type: 'action-item'; actionItem: ActionItem };

// ---- Names ---------------------------------------------------------------------

/** `conference:<conferenceId>:case:<caseId>` on `/collab/<docName>`: one minutes document per case. */
export function conferenceDocName(conferenceId: string, caseId: string): string {
  return `conference:${conferenceId}:case:${caseId}`;
}

export function parseConferenceDocName(
  name: string,
): { conferenceId: string; caseId: string } | null {
  const m = /^conference:([a-f0-9]{24}):case:([a-f0-9]{24})$/.exec(name);
  return m ? { conferenceId: m[1]!, caseId: m[2]! } : null;
}

/** The shared text type of a minutes document. */
export const MINUTES_TEXT = 'discussion';

/**
 * Socket.IO rooms of a conference. The care team and each invited patient
 * are separate audiences, so every payload is built once per audience and a
 * patient's room only ever receives their own case.
 */
export const conferenceRooms = {
  team: (id: string) => `conference:${id}:team`,
  teamFollow: (id: string) => `conference:${id}:team:follow`,
  patient: (id: string, caseId: string) => `conference:${id}:patient:${caseId}`,
  patientFollow: (id: string, caseId: string) => `conference:${id}:patient:${caseId}:follow`,
};

/** Milliseconds a case's timer has run at `nowMs` (server time). */
export function timerElapsedMs(timer: CaseTimer | undefined, nowMs: number): number {
  if (!timer) return 0;
  const running = timer.startedAt ? Math.max(0, nowMs - Date.parse(timer.startedAt)) : 0;
  return timer.elapsedMs + running;
}
