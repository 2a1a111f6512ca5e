/** Everyone who signs in has exactly one role. */
export const ROLES = ['prescriber', 'therapist', 'coordinator', 'patient'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles a person can hold inside a care team (patients belong through their
 * record). A member holds their account's role on every team they are on.
 */
export const TEAM_ROLES = ['prescriber', 'therapist', 'coordinator'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const CLINICIAN_ROLES = ['prescriber', 'therapist'] as const;
export type ClinicianRole = (typeof CLINICIAN_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  prescriber: 'Prescriber',
  therapist: 'Therapist',
  coordinator: 'Care coordinator',
  patient: 'Patient',
};

export function isTeamRole(role: string): role is TeamRole {
  return (TEAM_ROLES as readonly string[]).includes(role);
}

export function isClinicianRole(role: string): role is ClinicianRole {
  return (CLINICIAN_ROLES as readonly string[]).includes(role);
}
