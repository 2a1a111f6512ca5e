import type { Role } from './roles.ts';

/**
 * The permission table of the design handbook (§5), as data. The server's
 * `authorize()` and the web UI both read it; tests are generated from it.
 */

export const PLAN_SECTIONS = [
  'goals',
  'medications',
  'therapy',
  'monitoring',
  'safety',
  'education',
  'privateNotes',
] as const;
export type PlanSection = (typeof PLAN_SECTIONS)[number];

export type Access = 'write' | 'read' | 'none';

export const SECTION_ACCESS: Record<PlanSection, Record<Role, Access>> = {
  medications: { prescriber: 'write', therapist: 'read', coordinator: 'read', patient: 'read' },
  goals: { prescriber: 'write', therapist: 'write', coordinator: 'read', patient: 'read' },
  therapy: { prescriber: 'write', therapist: 'write', coordinator: 'read', patient: 'read' },
  monitoring: { prescriber: 'write', therapist: 'write', coordinator: 'read', patient: 'read' },
  safety: { prescriber: 'write', therapist: 'write', coordinator: 'read', patient: 'read' },
  education: { prescriber: 'write', therapist: 'write', coordinator: 'read', patient: 'read' },
  privateNotes: { prescriber: 'write', therapist: 'write', coordinator: 'none', patient: 'none' },
};

/**
 * A plan is stored as several Yjs documents so that each document has one
 * access level per role: a patient never receives the bytes of privateNotes.
 */
export const PLAN_DOC_KINDS = ['care', 'medications', 'private'] as const;
export type PlanDocKind = (typeof PLAN_DOC_KINDS)[number];

export const PLAN_DOC_SECTIONS: Record<PlanDocKind, readonly PlanSection[]> = {
  care: ['goals', 'therapy', 'monitoring', 'safety', 'education'],
  medications: ['medications'],
  private: ['privateNotes'],
};

/** Most permissive access any section of the document grants; the sections of one doc agree. */
export function docAccess(role: Role, kind: PlanDocKind): Access {
  const levels = PLAN_DOC_SECTIONS[kind].map((s) => SECTION_ACCESS[s][role]);
  if (levels.includes('write')) return 'write';
  if (levels.includes('read')) return 'read';
  return 'none';
}

/** `plan:<planId>:<kind>` is the name used on `/collab/<docName>`. */
export function planDocName(planId: string, kind: PlanDocKind): string {
  return `plan:${planId}:${kind}`;
}

export function parsePlanDocName(name: string): { planId: string; kind: PlanDocKind } | null {
  const m = /^plan:([a-f0-9]{24}):([a-z]+)$/.exec(name);
  if (!m) return null;
  const kind = m[2] as PlanDocKind;
  if (!PLAN_DOC_KINDS.includes(kind)) return null;
  return { planId: m[1]!, kind };
}

/** Actions on a plan or a team, beyond section access. */
export const ACTIONS = {
  'plan.read': ['prescriber', 'therapist', 'coordinator', 'patient'],
  'plan.comment': ['prescriber', 'therapist', 'coordinator', 'patient'],
  'plan.sign': ['prescriber'],
  'plan.cosign': ['therapist'],
  'plan.acknowledge': ['patient'],
  /** Say what a goal means to them, in their own words; the goal itself is the care team's. */
  'goal.own_words': ['patient'],
  'plan.export': ['prescriber', 'therapist', 'coordinator'],
  /** Ask the prescriber for a medication change (therapists cannot order one). */
  'medication.propose': ['prescriber', 'therapist'],
  /** Accept or decline a proposed medication change. */
  'medication.decide': ['prescriber'],
  'plan.history': ['prescriber', 'therapist', 'coordinator'],
  /** Complete a check-in questionnaire (PHQ-9, GAD-7) on one's own plan. */
  'checkin.submit': ['patient'],
  /** Record the follow-up of a check-in that reported thoughts of self-harm. */
  'checkin.follow_up': ['prescriber', 'therapist'],
  'team.read': ['prescriber', 'therapist', 'coordinator'],
  'team.manage': ['coordinator'],
  'conference.manage': ['coordinator'],
  /** Join a conference: the care team, and a patient for their own invited case only. */
  'conference.attend': ['prescriber', 'therapist', 'coordinator', 'patient'],
  /** Co-edit minutes and capture decisions and action items. */
  'conference.record': ['prescriber', 'therapist', 'coordinator'],
  'audit.read': ['coordinator'],
  'audit.verify': ['coordinator'],
  /** A patient reads who opened their own record. */
  'audit.own': ['patient'],
} as const satisfies Record<string, readonly Role[]>;
export type Action = keyof typeof ACTIONS;

export function roleMay(role: Role, action: Action): boolean {
  return (ACTIONS[action] as readonly Role[]).includes(role);
}
