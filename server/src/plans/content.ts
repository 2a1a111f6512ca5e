import * as Y from 'yjs';
import {
  applyTemplate,
  planDocName,
  PLAN_DOC_LAYOUT,
  readList,
  snapshotPlan,
  type PlanDocKind,
  type PlanSnapshot,
  type PlanTemplateId,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { mongoCollabStore } from '../collab/persistence/mongo-store.ts';

/**
 * Server-side reads and first writes of plan content. Reads take the durable
 * state from the collab store: what a version records is what was saved.
 */
export async function loadPlanDoc(ctx: AppContext, planId: string, kind: PlanDocKind) {
  const loaded = await mongoCollabStore(ctx.conn).load(planDocName(planId, kind));
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const u of loaded.updates) Y.applyUpdate(doc, u);
  });
  return doc;
}

/** The shared content (never privateNotes) of a plan as plain JSON. */
export async function readPlanSnapshot(ctx: AppContext, planId: string): Promise<PlanSnapshot> {
  const [care, medications] = await Promise.all([
    loadPlanDoc(ctx, planId, 'care'),
    loadPlanDoc(ctx, planId, 'medications'),
  ]);
  return snapshotPlan({ care, medications });
}

/** A goal's title as stored now; null when the plan has no such goal (any more) or it is untitled. */
export async function goalTitleOf(
  ctx: AppContext,
  planId: string,
  goalId: string,
): Promise<string | null> {
  const care = await loadPlanDoc(ctx, planId, 'care');
  return readList(care, 'goals').find((g) => g.id === goalId)?.title || null;
}

/**
 * Writes a new plan's starting content from a template, one stored update per
 * document, attributed to `userId`. Only for plans nobody has opened yet.
 */
export async function initPlanContent(
  ctx: AppContext,
  planId: string,
  template: PlanTemplateId,
  opts: { userId: string; start: string; prescriber?: string; therapist?: string },
): Promise<void> {
  const docs = { care: new Y.Doc(), medications: new Y.Doc(), private: new Y.Doc() };
  const { userId: _userId, ...templateOpts } = opts;
  applyTemplate(template, docs, templateOpts);
  const at = new Date(ctx.clock.now());
  await mongoCollabStore(ctx.conn).append(
    (Object.keys(docs) as PlanDocKind[]).map((kind) => ({
      docName: planDocName(planId, kind),
      update: Y.encodeStateAsUpdate(docs[kind]),
      userId: opts.userId,
      sections: [...PLAN_DOC_LAYOUT[kind]],
      at,
    })),
  );
}
