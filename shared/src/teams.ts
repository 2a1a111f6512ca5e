import { z } from 'zod';
import { requiredText } from './text.ts';
import { TEAM_ROLES } from './roles.ts';
import { ObjectIdString } from './plans.ts';

/** Names as people write them; trimmed, never empty. */
export const PersonName = requiredText(120);
/** Emails are compared lower-cased, so they are stored that way. */
export const EmailAddress = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());

/** A calendar date (YYYY-MM-DD) in the past: a date of birth. */
export const BirthDate = z.iso
  .date()
  .refine((d) => d >= '1900-01-01' && d <= new Date().toISOString().slice(0, 10), {
    message: 'must be a date between 1900 and today',
  });

export const TeamSummary = z.object({
  id: z.string(),
  name: z.string(),
  /** The caller's role in this team. */
  role: z.enum(TEAM_ROLES),
  memberCount: z.number(),
  patientCount: z.number(),
});
export type TeamSummary = z.infer<typeof TeamSummary>;

export const TeamMemberInfo = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(TEAM_ROLES),
  addedAt: z.string(),
});
export type TeamMemberInfo = z.infer<typeof TeamMemberInfo>;

export const TeamDetail = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(TEAM_ROLES),
  members: z.array(TeamMemberInfo),
});
export type TeamDetail = z.infer<typeof TeamDetail>;

/**
 * Adds a clinician to a team. An existing clinician account is added by its
 * email; otherwise an account is created (then `name` is required) and its
 * initial password is returned once.
 */
export const AddMemberRequest = z.strictObject({
  email: EmailAddress,
  role: z.enum(TEAM_ROLES),
  name: PersonName.optional(),
});
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

export const AddMemberResponse = z.object({
  member: TeamMemberInfo,
  accountCreated: z.boolean(),
  /** Only when the account was created: shown once, never stored or retrievable again. */
  initialPassword: z.string().optional(),
});
export type AddMemberResponse = z.infer<typeof AddMemberResponse>;

export const ChangeMemberRoleRequest = z.strictObject({ role: z.enum(TEAM_ROLES) });
export type ChangeMemberRoleRequest = z.infer<typeof ChangeMemberRoleRequest>;

/** Creates a patient's record, their own account and their (empty) treatment plan. */
export const CreatePatientRequest = z.strictObject({
  name: PersonName,
  email: EmailAddress,
  dateOfBirth: BirthDate.optional(),
  planTitle: requiredText(200).optional(),
});
export type CreatePatientRequest = z.infer<typeof CreatePatientRequest>;

export const PatientSummary = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  dateOfBirth: z.string().nullable(),
  plan: z
    .object({ id: z.string(), title: z.string(), status: z.enum(['active', 'archived']) })
    .nullable(),
});
export type PatientSummary = z.infer<typeof PatientSummary>;

export const CreatePatientResponse = z.object({
  patient: PatientSummary,
  /** The patient's first password: shown once to the coordinator, who hands it over. */
  initialPassword: z.string(),
});
export type CreatePatientResponse = z.infer<typeof CreatePatientResponse>;

/** A forgotten password replaced by a new first one: shown once to the coordinator, who hands it over. */
export const PasswordResetResponse = z.object({ initialPassword: z.string() });
export type PasswordResetResponse = z.infer<typeof PasswordResetResponse>;

export const MemberIdParam = ObjectIdString;
