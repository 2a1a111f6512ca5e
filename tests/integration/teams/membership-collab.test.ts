import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, planDocName, type TeamSummary } from '@tandem/shared';
import { registerTeardown, startTestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs } from '../../helpers/api.ts';
import { collect, connectSocket } from '../../helpers/socket.ts';

function openRaw(url: string, docName: string, token: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/collab/${docName}?token=${token}`);
  registerTeardown(async () => ws.terminate());
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, opened, closed };
}

describe('care-team membership and open editors', () => {
  it("closes a removed member's collab connection with 4403 and an audit record names the patient", async () => {
    const server = await startTestServer({ seedDemo: true });
    const { north } = await demoPlans(server.url);
    const therapist = await loginAs(server.url, 'therapist');
    const conn = openRaw(server.url, planDocName(north, 'care'), therapist.token!);
    await conn.opened;
    // The document is admitted (and audited as opened) once the first message arrives.
    await new Promise<void>((resolve) => conn.ws.once('message', () => resolve()));

    const opened = await server.tandem.ctx.conn
      .collection('audits')
      .findOne({ action: 'plan.doc.open', actorId: therapist.user.id, resourceId: north });
    expect(opened?.patientId).toBeTruthy();

    const coordinator = await loginAs(server.url, 'coordinator');
    const [team] = (await coordinator.get<TeamSummary[]>('/teams')).body;
    const res = await coordinator.delete(`/teams/${team!.id}/members/${therapist.user.id}`);
    expect(res.status).toBe(204);
    expect(await conn.closed).toBe(CloseCode.Forbidden);

    const again = openRaw(server.url, planDocName(north, 'care'), therapist.token!);
    expect(await again.closed).toBe(CloseCode.Forbidden);
  });

  it('re-checks open editors on every instance: a role change reconnects them, removal closes with 4403', async () => {
    // Two instances sharing the database and Redis: the change is made on one, the editor is on the other.
    const one = await startTestServer({ seedDemo: true, redis: true });
    const two = await startTestServer({ dbName: one.dbName, redis: true });
    const { north } = await demoPlans(one.url);
    const therapist = await loginAs(one.url, 'therapist');
    const coordinator = await loginAs(one.url, 'coordinator');
    const [team] = (await coordinator.get<TeamSummary[]>('/teams')).body;
    const admitted = async (c: ReturnType<typeof openRaw>) => {
      await c.opened;
      await new Promise<void>((resolve) => c.ws.once('message', () => resolve()));
    };
    // Connections re-check at once; one left open would otherwise only be found out on reconnect.
    const closeCode = (c: ReturnType<typeof openRaw>) =>
      Promise.race([c.closed, new Promise((r) => setTimeout(() => r('still open'), 5_000))]);

    const reader = openRaw(two.url, planDocName(north, 'medications'), therapist.token!);
    await admitted(reader);
    const role = await coordinator.patch(`/teams/${team!.id}/members/${therapist.user.id}`, {
      role: 'prescriber',
    });
    expect(role.status).toBe(200);
    // Its level changed (read → write): the client reconnects and is admitted at the new level.
    expect(await closeCode(reader)).toBe(CloseCode.ShuttingDown);

    const writer = openRaw(two.url, planDocName(north, 'medications'), therapist.token!);
    await admitted(writer);
    const removed = await coordinator.delete(`/teams/${team!.id}/members/${therapist.user.id}`);
    expect(removed.status).toBe(204);
    expect(await closeCode(writer)).toBe(CloseCode.Forbidden);
  });

  it("tells the person's open pages on every instance that their access changed, and no one else", async () => {
    const one = await startTestServer({ seedDemo: true, redis: true });
    const two = await startTestServer({ dbName: one.dbName, redis: true });
    const coordinator = await loginAs(one.url, 'coordinator');
    const [team] = (await coordinator.get<TeamSummary[]>('/teams')).body;
    const therapist = await loginAs(two.url, 'therapist');
    const prescriber = await loginAs(two.url, 'prescriber');
    const theirs = collect(await connectSocket(two.url, therapist.token!), 'access:changed');
    const others = collect(await connectSocket(two.url, prescriber.token!), 'access:changed');

    const member = `/teams/${team!.id}/members/${therapist.user.id}`;
    expect((await coordinator.patch(member, { role: 'prescriber' })).status).toBe(200);
    await expect.poll(() => theirs.length).toBe(1);
    expect((await coordinator.delete(member)).status).toBe(204);
    await expect.poll(() => theirs.length).toBe(2);
    // In the role their account holds now.
    const added = await coordinator.post(`/teams/${team!.id}/members`, {
      email: therapist.user.email,
      role: 'prescriber',
    });
    expect(added.status).toBe(201);
    await expect.poll(() => theirs.length).toBe(3);
    expect(theirs).toEqual([{ teamId: team!.id }, { teamId: team!.id }, { teamId: team!.id }]);
    expect(others).toEqual([]);
  });

  it('closes connections still being admitted when the member is removed or signs out meanwhile', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { north } = await demoPlans(server.url);
    const coordinator = await loginAs(server.url, 'coordinator');
    const [team] = (await coordinator.get<TeamSummary[]>('/teams')).body;
    const care = planDocName(north, 'care');
    // Closed within a few seconds, not by the half-minute session sweep, nor never.
    const closeCode = (c: ReturnType<typeof openRaw>) =>
      Promise.race([c.closed, new Promise((r) => setTimeout(() => r('still open'), 5_000))]);
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    for (let k = 0; k < 8; k++) {
      const therapist = await loginAs(server.url, 'therapist');
      const conn = openRaw(server.url, care, therapist.token!);
      await pause(k * 3);
      expect(
        (await coordinator.delete(`/teams/${team!.id}/members/${therapist.user.id}`)).status,
      ).toBe(204);
      // Refused, or told to connect again (and then refused): never left open.
      expect([CloseCode.Forbidden, CloseCode.ShuttingDown], `removal after ${k * 3} ms`).toContain(
        await closeCode(conn),
      );
      const back = await coordinator.post(`/teams/${team!.id}/members`, {
        email: therapist.user.email,
        role: 'therapist',
      });
      expect(back.status).toBe(201);
    }

    for (let k = 0; k < 8; k++) {
      const therapist = await loginAs(server.url, 'therapist');
      const conn = openRaw(server.url, care, therapist.token!);
      await pause(k * 3);
      expect((await therapist.post('/auth/logout')).status).toBe(204);
      expect(await closeCode(conn), `sign-out after ${k * 3} ms`).toBe(CloseCode.Unauthenticated);
    }
  });
});
