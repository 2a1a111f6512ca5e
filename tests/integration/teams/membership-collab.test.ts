import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, planDocName, type TeamSummary } from '@tandem/shared';
import { registerTeardown, startTestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs } from '../../helpers/api.ts';

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
});
