import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  CloseCode,
  planDocName,
  planRoom,
  PLAN_DOC_KINDS,
  type AccessLogPage,
  type NotificationList,
  type PlanListItem,
  type TeamSummary,
} from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { Api, loginAs } from '../../helpers/api.ts';
import { collect, connectSocket, joinPlan } from '../../helpers/socket.ts';
import { createFixtures, type Fixtures } from './route-fixtures.ts';
import { ROUTES } from './route-table.ts';

/**
 * A South Team user (prescriber2, patient2) probing a North Team patient's
 * plan: every REST route about a plan or team (comments, exports, versions…
 * read from the route table, so new routes are probed too), every id they
 * might try, the Socket.IO plan room and the /collab documents.
 */
let server: TestServer;
let fx: Fixtures;
let south: { prescriber2: Api; patient2: Api };
const NORTH_SECRETS = ['Alex Morgan', 'Depression and anxiety', 'patient@demo.test'];

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  fx = await createFixtures(server);
  south = {
    prescriber2: await loginAs(server.url, 'prescriber2'),
    patient2: await loginAs(server.url, 'patient2'),
  };
});

const SCOPED = ROUTES.filter((r) => /:(planId|teamId|patientId)\b/.test(r.path));

/** The North ids a South user might put where a plan or team id goes, and ids of nothing. */
const probeIds = () => [
  fx.planId('own'),
  fx.patientId('own'),
  fx.teamId('own'),
  '0123456789abcdef01234567',
  'not-an-id',
];

describe('REST', () => {
  it.each(SCOPED)('$method $path refuses South users for every North id', async (entry) => {
    for (const [who, api] of Object.entries(south)) {
      for (const id of probeIds()) {
        const params = { ...(await entry.params?.(fx, 'own')) };
        let path = entry.path
          .replace(/^\/api\/v1/, '')
          .replace(/:(\w+)/g, (_, name: string) =>
            ['planId', 'teamId', 'patientId'].includes(name) ? id : params[name]!,
          );
        const query = await entry.query?.(fx, 'own');
        if (query) path += `?${new URLSearchParams(query)}`;
        const body = await entry.body?.(fx, 'own', who === 'patient2' ? 'patient' : 'prescriber');
        const res = await api.request(
          entry.method,
          path,
          body ?? (entry.method === 'GET' ? undefined : {}),
        );
        expect(res.status, `${who} ${entry.method} ${path}`).toBe(403);
        expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
        for (const secret of NORTH_SECRETS) expect(JSON.stringify(res.body)).not.toContain(secret);
      }
    }
  });

  it("finds nothing of North through the South team's own plan", async () => {
    const northComment = await fx.comment('own');
    const southPlan = fx.planId('other');
    const res = await south.prescriber2.post(
      `/plans/${southPlan}/comments/${northComment}/replies`,
      { body: 'Reaching across' },
    );
    expect(res.status).toBe(404);
    const edit = await south.prescriber2.patch(`/plans/${southPlan}/comments/${northComment}`, {
      body: 'Rewritten',
    });
    expect(edit.status).toBe(404);
  });

  it('lists nothing of North', async () => {
    for (const api of Object.values(south)) {
      const plans = await api.get<PlanListItem[]>('/plans');
      expect(plans.body.map((p) => p.team.name)).toEqual(['South Team']);
      const teams = await api.get<TeamSummary[]>('/teams');
      expect(teams.body.some((t) => t.name === 'North Team')).toBe(false);
      const notes = await api.get<NotificationList>('/notifications');
      expect(notes.body.items.some((n) => n.planId === fx.planId('own'))).toBe(false);
      expect((await api.get(`/audit?patientId=${fx.patientId('own')}`)).status).toBe(403);
    }
    const log = await south.patient2.get<AccessLogPage>('/me/access-log');
    for (const secret of NORTH_SECRETS) expect(JSON.stringify(log.body)).not.toContain(secret);
  });
});

describe('Socket.IO', () => {
  it('keeps South users out of the North plan room, whatever id they try', async () => {
    const northPatient = await fx.as('patient');
    const northSocket = await connectSocket(server.url, (await fx.as('prescriber')).token!);
    expect(await joinPlan(northSocket, fx.planId('own'))).toEqual({ ok: true });
    const northSees = collect(northSocket, 'comment:created');

    const southSockets = [];
    for (const api of Object.values(south)) {
      const socket = await connectSocket(server.url, api.token!);
      for (const id of probeIds()) {
        expect(await joinPlan(socket, id)).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
      }
      southSockets.push({ socket, sees: collect(socket, 'comment:created') });
    }
    const inRoom = (await server.tandem.io.in(planRoom(fx.planId('own'))).fetchSockets()).map(
      (s) => s.id,
    );
    expect(inRoom).toEqual([northSocket.id]);

    // A live comment on the North plan reaches its team, and no South socket.
    const posted = await northPatient.post<{ id: string }>(`/plans/${fx.planId('own')}/comments`, {
      goalId: 'goal-probe',
      body: 'Only my team should see this',
    });
    await expect.poll(() => northSees.map((c) => c.id)).toContain(posted.body.id);
    for (const { sees } of southSockets) expect(sees).toEqual([]);
  });
});

/** Opens /collab/<docName> with a raw websocket and resolves to its close code. */
function collabCloseCode(docName: string, token: string): Promise<number> {
  const url = `${server.url.replace(/^http/, 'ws')}/collab/${docName}?token=${encodeURIComponent(token)}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('close', (code) => resolve(code));
    ws.on('error', reject);
  });
}

describe('/collab', () => {
  it('closes every North document with 4403 for South users, by any id', async () => {
    for (const [who, api] of Object.entries(south)) {
      for (const id of [fx.planId('own'), fx.patientId('own'), fx.teamId('own')]) {
        for (const kind of PLAN_DOC_KINDS) {
          expect(await collabCloseCode(planDocName(id, kind), api.token!), `${who} ${kind}`).toBe(
            CloseCode.Forbidden,
          );
        }
      }
    }
  });
});
