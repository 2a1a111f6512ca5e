import type * as Y from 'yjs';
import {
  addEntry,
  diffMedications,
  readList,
  updateEntry,
  type MedicationChange,
  type MedicationSnapshot,
} from '@tandem/shared';
import { badRequest } from '../errors.ts';

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

/** Applies an accepted change to the medications document, as the prescriber's edit. */
export function applyChange(
  doc: Y.Doc,
  change: MedicationChange,
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
  const exists = readList(doc, 'medications').some((m) => m.id === change.medicationId);
  if (!exists) throw badRequest('That medication is no longer on this plan.');
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
