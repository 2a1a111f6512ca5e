import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  PLAN_DOC_KINDS,
  planDocName,
  privateNotes,
  sectionMap,
  type AccessLogPage,
  type PlanEdits,
} from '@tandem/shared';
import { collabModels } from '@tandem/server/collab/persistence/models.ts';
import { mongoCollabStore } from '@tandem/server/collab/persistence/mongo-store.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs, type DemoUser, type UserApi } from '../../helpers/api.ts';
import { connectClient, type Client } from '../collab/helpers.ts';

/**
 * "Who changed this plan, and which part, when": the update log's
 * attribution through `GET /plans/:planId/edits`, after real edits through
 * `/collab` by real sessions.
 */
let server: TestServer;
let wsUrl: string;
let planId: string;
const users = {} as Record<DemoUser, UserApi>;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  wsUrl = `${server.url.replace(/^http/, 'ws')}/collab`;
  planId = (await demoPlans(server.url)).north;
  for (const who of ['prescriber', 'therapist', 'coordinator', 'patient', 'prescriber2'] as const)
    users[who] = await loginAs(server.url, who);
});

/** Opens a plan document as `who`, makes one change and waits until the server says it is stored. */
async function edit(
  who: DemoUser,
  kind: 'care' | 'private',
  change: (doc: Y.Doc) => void,
): Promise<void> {
  const client: Client = connectClient(wsUrl, planDocName(planId, kind), {
    token: users[who].token!,
    tandem: true,
  });
  await client.synced;
  change(client.doc);
  await vi.waitFor(() => expect(client.saves.status).toBe('saved'), { timeout: 10_000 });
  client.destroy();
}

const edits = (who: DemoUser, query = '') =>
  users[who].get<PlanEdits>(`/plans/${planId}/edits${query}`);

describe('GET /plans/:planId/edits', () => {
  it('names who edited which sections, newest first, within what each person may read', async () => {
    await edit('prescriber', 'private', (doc) =>
      privateNotes(doc).insert(0, [new Y.XmlText('Private observation')]),
    );
    await edit('prescriber', 'care', (doc) =>
      sectionMap(doc, 'therapy').set('frequency', 'twice weekly'),
    );
    await edit('therapist', 'care', (doc) => sectionMap(doc, 'safety').set('note', 'Reviewed'));

    const own = await edits('prescriber');
    expect(own.status).toBe(200);
    const [latest, earlier] = own.body.edits;
    expect(latest).toMatchObject({
      user: { name: 'Sam Rivera, LCSW', role: 'therapist' },
      sections: ['safety'],
    });
    // The prescriber's live edits join the plan's creation minutes earlier: one stretch of work.
    expect(earlier!.user).toMatchObject({ name: 'Dr. Maya Okafor', role: 'prescriber' });
    expect(earlier!.sections).toEqual(expect.arrayContaining(['therapy', 'privateNotes']));
    expect(Date.parse(latest!.to)).toBeGreaterThanOrEqual(Date.parse(earlier!.to));
    expect(Date.parse(earlier!.from)).toBeLessThanOrEqual(Date.parse(earlier!.to));

    // Those who may not read the private notes never learn they were touched.
    for (const who of ['coordinator', 'patient'] as const) {
      const seen = await edits(who);
      expect(seen.status).toBe(200);
      expect(seen.body.edits.map((e) => e.user.name)).toEqual([
        'Sam Rivera, LCSW',
        'Dr. Maya Okafor',
      ]);
      expect(seen.body.edits.flatMap((e) => e.sections)).not.toContain('privateNotes');
    }
    // Nothing of the content itself.
    expect(JSON.stringify(own.body)).not.toContain('Private observation');
    expect(JSON.stringify(own.body)).not.toContain('twice weekly');
  });

  it('gives the same answer once the log is compacted, and joins later work to it', async () => {
    const before = (await edits('prescriber')).body.edits;
    const store = mongoCollabStore(server.tandem.ctx.conn);
    const { Updates } = collabModels(server.tandem.ctx.conn);
    for (const kind of PLAN_DOC_KINDS) {
      const name = planDocName(planId, kind);
      await store.compact(name);
      // The server may compact it too, once the editors left; either way the log empties.
      await vi.waitFor(async () => expect(await Updates.countDocuments({ docName: name })).toBe(0));
    }
    expect((await edits('prescriber')).body.edits).toEqual(before);
    expect((await edits('patient')).body.edits.flatMap((e) => e.sections)).not.toContain(
      'privateNotes',
    );

    // Later work joins the kept stretch: still one line per person.
    await edit('therapist', 'care', (doc) => sectionMap(doc, 'education').set('note', 'Handout'));
    const after = (await edits('prescriber')).body.edits;
    expect(after).toHaveLength(before.length);
    expect(after[0]).toMatchObject({
      user: { name: 'Sam Rivera, LCSW' },
      sections: ['safety', 'education'],
      from: before[0]!.from,
    });
    expect(Date.parse(after[0]!.to)).toBeGreaterThan(Date.parse(before[0]!.to));
  });

  it('takes a limit, refuses a bad one and anyone outside the care team', async () => {
    expect((await edits('therapist', '?limit=1')).body.edits).toHaveLength(1);
    const bad = await edits('therapist', '?limit=0');
    expect(bad.status).toBe(400);
    expect((await edits('therapist', '?order=asc')).status).toBe(400);
    expect((await edits('prescriber2')).status).toBe(403);
    const unknown = await users.prescriber.get(`/plans/${'0'.repeat(24)}/edits`);
    // A plan that does not exist is refused like one of another team: ids reveal nothing.
    expect(unknown.status).toBe(403);
  });

  it('is on the patient’s access log', async () => {
    await edits('coordinator');
    const log = await users.patient.get<AccessLogPage>('/me/access-log?others=true');
    const entry = log.body.entries.find((e) => e.action === 'plan.edits');
    expect(entry).toMatchObject({
      label: 'Looked at who edited your plan',
      actor: { name: 'Jordan Lee', role: 'coordinator' },
    });
  });
});
