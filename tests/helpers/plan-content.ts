import * as Y from 'yjs';
import { planDocName, PLAN_DOC_LAYOUT, type PlanDocKind } from '@tandem/shared';
import { mongoCollabStore } from '@tandem/server/collab/persistence/mongo-store.ts';
import { loadPlanDoc } from '@tandem/server/plans/content.ts';
import type { TestServer } from './server.ts';

/**
 * Changes a plan document in storage the way a saved edit would (one logged
 * update), for tests of server features that read plan content.
 */
export async function editStoredPlanDoc(
  server: TestServer,
  planId: string,
  kind: PlanDocKind,
  edit: (doc: Y.Doc) => void,
  userId = 'test-editor',
): Promise<void> {
  const doc = await loadPlanDoc(server.tandem.ctx, planId, kind);
  const before = Y.encodeStateVector(doc);
  edit(doc);
  await mongoCollabStore(server.tandem.ctx.conn).append([
    {
      docName: planDocName(planId, kind),
      update: Y.encodeStateAsUpdate(doc, before),
      userId,
      sections: [...PLAN_DOC_LAYOUT[kind]],
      at: new Date(),
    },
  ]);
}
