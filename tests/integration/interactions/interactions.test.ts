import { beforeAll, describe, expect, it } from 'vitest';
import { addEntry, type PlanInteraction } from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs } from '../../helpers/api.ts';
import { editStoredPlanDoc } from '../../helpers/plan-content.ts';
import { collect, connectSocket, joinPlan } from '../../helpers/socket.ts';

let server: TestServer;
let planId: string;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  planId = (await demoPlans(server.url)).north;
  // The template plan has sertraline; an MAOI next to it must be flagged.
  await editStoredPlanDoc(server, planId, 'medications', (doc) => {
    addEntry(doc, 'medications', {
      name: 'Phenelzine',
      dose: 15,
      unit: 'mg',
      frequency: 'three times daily',
      status: 'active',
    });
  });
});

describe('interaction warnings', () => {
  it('flag an MAOI with an SSRI for the care team, not for the patient or outsiders', async () => {
    const therapist = await loginAs(server.url, 'therapist');
    const res = await therapist.get<PlanInteraction[]>(`/plans/${planId}/interactions`);
    expect(res.status).toBe(200);
    const w = res.body.find((x) => x.rule.id === 'maoi-ssri');
    expect(w).toMatchObject({ acknowledged: null, rule: { severity: 'contraindicated' } });
    expect(w!.medications.map((m) => m.name).sort()).toEqual(['Phenelzine', 'Sertraline']);
    expect(w!.rule.source).toMatch(/N Engl J Med/);
    for (const who of ['patient', 'prescriber2'] as const) {
      const api = await loginAs(server.url, who);
      expect((await api.get(`/plans/${planId}/interactions`)).status, who).toBe(403);
    }
  });

  it('are acknowledged by the prescriber with a reason, once, and audited', async () => {
    const prescriber = await loginAs(server.url, 'prescriber');
    const [w] = (await prescriber.get<PlanInteraction[]>(`/plans/${planId}/interactions`)).body;
    const therapist = await loginAs(server.url, 'therapist');
    // Open pages hear of it at once: the therapist's, not the patient's.
    const pages = await Promise.all(
      [therapist, await loginAs(server.url, 'patient')].map(async (api) => {
        const socket = await connectSocket(server.url, api.token!);
        expect(await joinPlan(socket, planId)).toEqual({ ok: true });
        return collect(socket, 'interaction:acknowledged');
      }),
    );
    const url = `/plans/${planId}/interactions/acknowledge`;
    expect((await therapist.post(url, { key: w!.key, reason: 'x' })).status).toBe(403);
    expect((await prescriber.post(url, { key: w!.key, reason: '' })).status).toBe(400);
    expect((await prescriber.post(url, { key: 'maoi-ssri:a:b', reason: 'x' })).status).toBe(409);

    const ack = await prescriber.post<PlanInteraction>(url, {
      key: w!.key,
      reason: 'Cross-taper over 2 weeks under close monitoring; sertraline stops first.',
    });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledged).toMatchObject({ by: { name: 'Dr. Maya Okafor' } });
    expect((await prescriber.post(url, { key: w!.key, reason: 'again' })).status).toBe(409);
    const [toTherapist, toPatient] = pages;
    await expect
      .poll(() =>
        toTherapist!.map((e) => [e.planId, e.interaction.key, e.interaction.acknowledged?.by.name]),
      )
      .toEqual([[planId, w!.key, 'Dr. Maya Okafor']]);
    expect(toPatient).toEqual([]);

    const seen = await therapist.get<PlanInteraction[]>(`/plans/${planId}/interactions`);
    expect(seen.body.find((x) => x.key === w!.key)?.acknowledged?.reason).toContain('Cross-taper');
    const audited = await server.tandem.ctx.conn
      .collection('audits')
      .countDocuments({ action: 'interaction.acknowledge', resourceId: planId });
    expect(audited).toBe(1);
  });
});
