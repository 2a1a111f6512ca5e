import { z } from 'zod';
import { ROLES, type Role } from './roles.ts';
import { PLAN_DOC_KINDS, PLAN_SECTIONS, roleMay } from './permissions.ts';
import { CheckInStanding } from './checkins/api.ts';
import { typedText } from './text.ts';

export const ObjectIdString = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');

/**
 * Where a plan stands, as the plan list shows it: its newest version and who
 * has signed it, and what is open around it. Counts and dates only, never
 * content.
 */
export const PlanStanding = z.object({
  version: z
    .object({
      number: z.number(),
      label: z.string(),
      createdAt: z.string(),
      /** The prescriber's signature; null while the version is a draft. */
      signedAt: z.string().nullable(),
      /** The patient's acknowledgement of this version. */
      acknowledgedAt: z.string().nullable(),
      /** The viewer has signed, co-signed or acknowledged this version. */
      signedByYou: z.boolean(),
    })
    .nullable(),
  /** Medication changes waiting for the prescriber; 0 for a patient, who does not see proposals. */
  openProposals: z.number(),
  /** Goal comment threads not yet resolved. */
  openThreads: z.number(),
  /** Open threads whose newest comment is the patient's: the patient waits for the team. */
  patientWaiting: z.number(),
  checkIns: CheckInStanding,
});
export type PlanStanding = z.infer<typeof PlanStanding>;

/**
 * The parts of a plan in the order its pages show them: the workspace's
 * sections (before the clinicians' private notes) and a case conference's.
 */
export const PLAN_VIEW_SECTIONS = [
  'overview',
  'goals',
  'medications',
  'therapy',
  'monitoring',
  'checkins',
  'safety',
  'education',
] as const;

/** Which plan: whose, and of which care team. */
export const PlanRef = z.object({
  id: z.string(),
  patient: z.object({ id: z.string(), name: z.string() }),
  team: z.object({ id: z.string(), name: z.string() }),
});
export type PlanRef = z.infer<typeof PlanRef>;

export const PlanListItem = PlanRef.extend({ standing: PlanStanding });

/**
 * `GET /plans`: `?standing=false` lists the plans without where they stand,
 * for pages that only pick a plan (the landing page, scheduling a conference).
 */
export const PlanListQuery = z.strictObject({
  standing: z.enum(['true', 'false']).default('true'),
});
export type PlanListItem = z.infer<typeof PlanListItem>;

/**
 * `PUT /plans/:planId/goals/:goalId/own-words`: the patient says what a goal
 * means to them. Empty clears it.
 */
export const OwnWordsRequest = z.strictObject({ text: typedText(1000) });

/** Something the viewer is asked to do on a plan, in the order the list shows them. */
export type PlanTask =
  | { kind: 'follow_up'; count: number }
  | { kind: 'check_in' }
  | { kind: 'sign' | 'cosign' | 'acknowledge'; version: number }
  | { kind: 'decide'; count: number }
  | { kind: 'reply'; count: number };

/** What a plan asks of someone in this role, read from its standing. */
export function planTasks(role: Role, standing: PlanStanding): PlanTask[] {
  const tasks: PlanTask[] = [];
  // A reported thought of self-harm comes before everything else.
  const { followUpNeeded, due } = standing.checkIns;
  if (followUpNeeded > 0 && roleMay(role, 'checkin.follow_up'))
    tasks.push({ kind: 'follow_up', count: followUpNeeded });
  const v = standing.version;
  if (v && !v.signedByYou) {
    // Co-signing and acknowledging follow the prescriber's signature.
    if (!v.signedAt && roleMay(role, 'plan.sign')) tasks.push({ kind: 'sign', version: v.number });
    if (v.signedAt && roleMay(role, 'plan.cosign'))
      tasks.push({ kind: 'cosign', version: v.number });
    if (v.signedAt && roleMay(role, 'plan.acknowledge'))
      tasks.push({ kind: 'acknowledge', version: v.number });
  }
  if (standing.openProposals > 0 && roleMay(role, 'medication.decide'))
    tasks.push({ kind: 'decide', count: standing.openProposals });
  if (role !== 'patient' && standing.patientWaiting > 0)
    tasks.push({ kind: 'reply', count: standing.patientWaiting });
  if (due && roleMay(role, 'checkin.submit')) tasks.push({ kind: 'check_in' });
  return tasks;
}

export const PlanDocInfo = z.object({
  name: z.string(),
  kind: z.enum(PLAN_DOC_KINDS),
  sections: z.array(z.enum(PLAN_SECTIONS)),
  access: z.enum(['read', 'write']),
});
export type PlanDocInfo = z.infer<typeof PlanDocInfo>;

export const PlanDetail = PlanRef.extend({
  title: z.string(),
  status: z.enum(['active', 'archived']),
  template: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  updatedAt: z.string(),
  collab: z.object({ docs: z.array(PlanDocInfo) }),
});
export type PlanDetail = z.infer<typeof PlanDetail>;

/**
 * One person's stretch of editing a plan: their changes with no pause longer
 * than ten minutes, and the sections they touched. Never the content.
 */
export const PlanEdit = z.object({
  user: z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES).nullable() }),
  sections: z.array(z.string()),
  from: z.string(),
  to: z.string(),
});
export type PlanEdit = z.infer<typeof PlanEdit>;
export type PlanEdits = { edits: PlanEdit[] };

export const PlanEditsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
