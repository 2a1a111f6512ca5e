import { z } from 'zod';
import { ROLES } from './roles.ts';
import { PLAN_DOC_KINDS, PLAN_SECTIONS } from './permissions.ts';

export const ObjectIdString = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');

export const PlanListItem = z.object({
  id: z.string(),
  patient: z.object({ id: z.string(), name: z.string() }),
  team: z.object({ id: z.string(), name: z.string() }),
});
export type PlanListItem = z.infer<typeof PlanListItem>;

export const PlanDocInfo = z.object({
  name: z.string(),
  kind: z.enum(PLAN_DOC_KINDS),
  sections: z.array(z.enum(PLAN_SECTIONS)),
  access: z.enum(['read', 'write']),
});
export type PlanDocInfo = z.infer<typeof PlanDocInfo>;

export const PlanDetail = PlanListItem.extend({
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
