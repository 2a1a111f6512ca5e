import { beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  CloseCode,
  CollabMessage,
  docAccess,
  planDocName,
  PLAN_DOC_KINDS,
  SESSION_COOKIE,
  type Role,
} from '@tandem/shared';
import { collabModels } from '@tandem/server/collab/persistence/models.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs, type DemoUser, type UserApi } from '../../helpers/api.ts';
import { connectClient, mapUpdate, rawClient, storedDoc, type RawClient } from './helpers.ts';

/**
 * The permission table of plan documents, cell by cell, through the real
 * server: real logins, real sessions, raw protocol clients.
 */
let server: TestServer;
let wsUrl: string;
let northPlan: string;
const users = {} as Record<DemoUser, UserApi>;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  wsUrl = `${server.url.replace(/^http/, 'ws')}/collab`;
  northPlan = (await demoPlans(server.url)).north;
  for (const who of WHO) users[who] = await loginAs(server.url, who);
});

const WHO = [
  'prescriber',
  'therapist',
  'coordinator',
  'patient',
  'prescriber2',
  'patient2',
] as const;
/** Roles on the North Team's plan; the South Team's users have none. */
const NORTH_ROLE: Partial<Record<DemoUser, Role>> = {
  prescriber: 'prescriber',
  therapist: 'therapist',
  coordinator: 'coordinator',
  patient: 'patient',
};
const cells = WHO.flatMap((who) =>
  PLAN_DOC_KINDS.map((kind) => {
    const role = NORTH_ROLE[who];
    return { who, kind, expected: role ? docAccess(role, kind) : 'none' };
  }),
);

function accessNotice(client: RawClient): string | null {
  const m = client.received.find((r) => r[0] === CollabMessage.Access);
  return m ? Buffer.from(m.subarray(2)).toString() : null;
}

function acked(client: RawClient, count: number): boolean {
  return client.received.some((m) => m[0] === CollabMessage.SaveAck && m[1]! >= count);
}

describe('plan documents on /collab with real sessions', () => {
  it.each(cells)('$who on $kind: $expected', async ({ who, kind, expected }) => {
    const name = planDocName(northPlan, kind);
    const probeKey = `probe-${who}-${kind}-${Date.now()}`;
    const client = rawClient(wsUrl, name, { token: users[who].token!, tandem: true });
    if (expected === 'none') {
      expect((await client.closed).code).toBe(CloseCode.Forbidden);
      expect(client.received).toEqual([]);
      return;
    }
    await client.opened;
    client.requestState();
    await vi.waitFor(() => expect(accessNotice(client)).toBe(expected));
    // Every reader receives the document (sync step 2).
    await vi.waitFor(() =>
      expect(client.received.some((m) => m[0] === CollabMessage.Sync && m[1] === 1)).toBe(true),
    );

    // A prescriber watching the same document, and another one writing a marker after the probe.
    const witness = rawClient(wsUrl, name, { token: users.prescriber.token! });
    const markerWriter = rawClient(wsUrl, name, { token: users.prescriber.token!, tandem: true });
    await Promise.all([witness.opened, markerWriter.opened]);
    witness.requestState();
    await vi.waitFor(() => expect(accessNotice(markerWriter)).toBe('write'));
    await vi.waitFor(() => expect(witness.received.length).toBeGreaterThan(0));

    client.sendUpdate(mapUpdate('permissionProbe', probeKey, who));
    await vi.waitFor(() => expect(acked(client, 1)).toBe(true));
    // The server broadcasts in order: whatever came of the probe reaches the witness before the marker.
    const marker = `marker-${probeKey}`;
    markerWriter.sendUpdate(mapUpdate('permissionProbe', marker, 'x'));
    await vi.waitFor(() => expect(witness.doc.getMap('permissionProbe').has(marker)).toBe(true));
    await vi.waitFor(() => expect(acked(markerWriter, 1)).toBe(true));

    const stored = await storedDoc(server.tandem.ctx.conn, name);
    const rows = await collabModels(server.tandem.ctx.conn)
      .Updates.find({ docName: name, userId: users[who].user.id })
      .lean();
    if (expected === 'write') {
      expect(stored.getMap('permissionProbe').get(probeKey)).toBe(who);
      expect(rows.length).toBeGreaterThan(0);
      expect(witness.doc.getMap('permissionProbe').get(probeKey)).toBe(who);
      expect(client.received.some((m) => m[0] === CollabMessage.Auth)).toBe(false);
    } else {
      expect(stored.getMap('permissionProbe').has(probeKey)).toBe(false);
      expect(rows).toEqual([]);
      expect(witness.doc.getMap('permissionProbe').has(probeKey)).toBe(false);
      expect(client.received.some((m) => m[0] === CollabMessage.Auth)).toBe(true);
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
    }
    for (const c of [client, witness, markerWriter]) c.close();
  });

  it('refuses missing and unknown credentials with 4401 and unknown documents with 4404', async () => {
    const care = planDocName(northPlan, 'care');
    expect((await rawClient(wsUrl, care).closed).code).toBe(CloseCode.Unauthenticated);
    expect((await rawClient(wsUrl, care, { token: 'x'.repeat(43) }).closed).code).toBe(
      CloseCode.Unauthenticated,
    );
    const bogus = rawClient(wsUrl, `plan:${northPlan}:secrets`, { token: users.prescriber.token! });
    expect((await bogus.closed).code).toBe(CloseCode.NotFound);
  });

  it('accepts the browser session cookie', async () => {
    const ws = new WebSocket(`${wsUrl}/${planDocName(northPlan, 'care')}`, {
      headers: { cookie: `${SESSION_COOKIE}=${users.therapist.token}` },
    });
    const first = await new Promise<Buffer>((resolve, reject) => {
      ws.once('message', (d) => resolve(d as Buffer));
      ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    });
    expect(first[0]).toBe(CollabMessage.Sync);
    ws.terminate();
  });

  it('holds the session cookie to this origin: another origin of the site is refused and audited', async () => {
    const name = planDocName(northPlan, 'private');
    const cookie = `${SESSION_COOKIE}=${users.therapist.token}`;
    const firstOrClose = (headers: Record<string, string>, query = '') => {
      const ws = new WebSocket(`${wsUrl}/${name}${query}`, { headers });
      return new Promise<number | 'admitted'>((resolve) => {
        ws.once('message', () => {
          resolve('admitted');
          ws.terminate();
        });
        ws.once('close', (code) => resolve(code));
      });
    };
    const own = new URL(server.url).origin;
    const sibling = own.replace(/:\d+$/, ':1');
    const audits = server.tandem.ctx.conn.collection('audits');
    const refusals = () =>
      audits.countDocuments({ action: 'access.denied', 'details.reason': 'foreign_origin' });
    const before = await refusals();

    expect(await firstOrClose({ cookie, origin: 'http://evil.example.com' })).toBe(
      CloseCode.Unauthenticated,
    );
    expect(await firstOrClose({ cookie, origin: sibling })).toBe(CloseCode.Unauthenticated);
    // A stray ?token= does not make a foreign page's cookie count (the cookie is what is used).
    expect(await firstOrClose({ cookie, origin: sibling }, `?token=${'x'.repeat(43)}`)).toBe(
      CloseCode.Unauthenticated,
    );
    expect(await refusals()).toBe(before + 3);

    expect(await firstOrClose({ cookie, origin: own })).toBe('admitted');
    // A token is no cookie: a foreign page cannot know it.
    expect(
      await firstOrClose({ origin: 'http://evil.example.com' }, `?token=${users.therapist.token}`),
    ).toBe('admitted');
  });

  it('lets an unmodified provider edit with ?token= and closes it with 4401 on logout', async () => {
    const me = await loginAs(server.url, 'therapist');
    const name = planDocName(northPlan, 'care');
    const client = connectClient(wsUrl, name, { token: me.token! });
    await client.synced;
    expect(client.doc.getArray('goals').length).toBeGreaterThan(0);
    client.doc.getMap('permissionProbe').set('provider-edit', 'therapist');
    await server.tandem.collab.flush();
    await vi.waitFor(async () =>
      expect(
        (await storedDoc(server.tandem.ctx.conn, name))
          .getMap('permissionProbe')
          .get('provider-edit'),
      ).toBe('therapist'),
    );
    expect((await me.post('/auth/logout')).status).toBeLessThan(300);
    await vi.waitFor(() =>
      expect(client.closes.map((c) => c.code)).toContain(CloseCode.Unauthenticated),
    );
    expect(client.provider.shouldConnect).toBe(false);
  });
});
