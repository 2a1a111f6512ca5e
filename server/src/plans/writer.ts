import type * as Y from 'yjs';
import { planDocName, type PlanDocKind } from '@tandem/shared';

/**
 * Server-side edits of plan documents (an accepted medication proposal, a
 * conference action item): applied through the co-editing engine so that
 * open editors see them live, stored in the update log like any edit and
 * attributed to `userId`. Bound to the engine once it is attached.
 */
export type PlanDocWriter = {
  change(
    planId: string,
    kind: PlanDocKind,
    userId: string,
    edit: (doc: Y.Doc) => void,
  ): Promise<void>;
  bind(
    change: (docName: string, userId: string, edit: (doc: Y.Doc) => void) => Promise<void>,
  ): void;
};

export function createPlanDocWriter(): PlanDocWriter {
  let apply:
    ((docName: string, userId: string, edit: (doc: Y.Doc) => void) => Promise<void>) | null = null;
  return {
    async change(planId, kind, userId, edit) {
      if (!apply) throw new Error('plan documents are not writable before the engine is attached');
      await apply(planDocName(planId, kind), userId, edit);
    },
    bind(fn) {
      apply = fn;
    },
  };
}
