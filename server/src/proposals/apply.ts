import type * as Y from 'yjs';
import {
  addEntry,
  diffMedications,
  medicationLine,
  readList,
  updateEntry,
  type MedicationChange,
  type MedicationSnapshot,
} from '@tandem/shared';
import { badRequest, conflict } from '../errors.ts';

/** The medication list after a change, as plain data (for the summary and interaction checks). */
export function previewChange(
  current: MedicationSnapshot[],
  change: MedicationChange,
): MedicationSnapshot[] {
  if (change.kind === 'start') {
    return [...current, { id: 'proposed', ...change, status: 'active' }];
  }
  const target = current.find((m) => m.id === change.medicationId);
  if (!target) throw badRequest('That medication is not on this plan.');
  return current.map((m) => {
    if (m.id !== change.medicationId) return m;
    if (change.kind === 'stop') return { ...m, status: 'stopped' };
    return {
      ...m,
      ...(change.dose === undefined ? {} : { dose: change.dose }),
      ...(change.unit === undefined ? {} : { unit: change.unit }),
      ...(change.frequency === undefined ? {} : { frequency: change.frequency }),
    };
  });
}

/** "Sertraline 50 mg → 100 mg once daily": the change in the words of a plan diff. */
export function summarize(current: MedicationSnapshot[], change: MedicationChange): string {
  const [first] = diffMedications(current, previewChange(current, change));
  if (!first) throw badRequest('This proposal would not change anything.');
  return first.text;
}

/** What a proposal to change or stop a medication was made against. */
export type ProposalBase = Pick<
  MedicationSnapshot,
  'name' | 'dose' | 'unit' | 'frequency' | 'status'
>;

const BASE_FIELDS = ['name', 'dose', 'unit', 'frequency', 'status'] as const;

const baseFields = (m: MedicationSnapshot) =>
  Object.fromEntries(BASE_FIELDS.map((k) => [k, m[k] ?? null])) as ProposalBase;

/** The medication a change or stop proposal names, as it stands now. */
export function baseOf(
  current: MedicationSnapshot[],
  change: MedicationChange,
): ProposalBase | null {
  if (change.kind === 'start') return null;
  const m = current.find((e) => e.id === change.medicationId);
  return m ? baseFields(m) : null;
}

/**
 * Applies an accepted change to the medications document, as the prescriber's
 * edit. A change or stop is applied only to the medication as it was when
 * proposed: a dose raised to 225 mg once daily, accepted after someone made it
 * twice daily, would otherwise order 450 mg a day that nobody proposed.
 * `base` is null for proposals stored before it was kept.
 */
export function applyChange(
  doc: Y.Doc,
  change: MedicationChange,
  base: ProposalBase | null,
  prescriber: string,
  today: string,
): void {
  if (change.kind === 'start') {
    addEntry(doc, 'medications', {
      name: change.name,
      dose: change.dose,
      unit: change.unit,
      frequency: change.frequency,
      route: change.route,
      indication: change.indication,
      status: 'active',
      startDate: today,
      prescriber,
    });
    return;
  }
  const now = readList(doc, 'medications').find((m) => m.id === change.medicationId);
  if (!now)
    throw conflict(
      'proposal_outdated',
      'That medication is no longer on this plan. Decline this proposal, and propose again if it is still needed.',
    );
  const current = baseFields(now);
  if (base && BASE_FIELDS.some((k) => current[k] !== (base[k] ?? null)))
    throw conflict(
      'proposal_outdated',
      `${now.name} has changed since this was proposed (now ${medicationLine(now)}, ${now.status}). Decline this proposal, and propose again if it is still needed.`,
    );
  if (change.kind === 'stop') {
    updateEntry(doc, 'medications', change.medicationId, { status: 'stopped' });
    return;
  }
  updateEntry(doc, 'medications', change.medicationId, {
    ...(change.dose === undefined ? {} : { dose: change.dose }),
    ...(change.unit === undefined ? {} : { unit: change.unit }),
    ...(change.frequency === undefined ? {} : { frequency: change.frequency }),
  });
}
