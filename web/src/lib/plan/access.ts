import { ROLE_LABELS, ROLES, SECTION_ACCESS, type PlanSection, type Role } from '@tandem/shared';
import { andList } from '$lib/words.ts';

function joinRoles(roles: Role[]): string {
  return andList(roles.map((r) => `${ROLE_LABELS[r].toLowerCase()}s`));
}

/** Why a section is read-only for this person, in one sentence they can act on. */
export function readOnlyReason(section: PlanSection, role: Role): string {
  const writers = ROLES.filter((r) => SECTION_ACCESS[section][r] === 'write');
  if (section === 'medications' && role === 'therapist') {
    return 'Only prescribers order medication changes. You can read them and propose a change for the prescriber to decide on.';
  }
  if (role === 'coordinator') {
    return `Care coordinators see the clinical plan read-only; ${joinRoles(writers)} edit it.`;
  }
  return `Only ${joinRoles(writers)} can change this section.`;
}
