import { beforeAll, describe, expect, it } from 'vitest';
import {
  readList,
  updateEntry,
  type ChangesSinceReview,
  type VersionDetail,
  type VersionDiff,
  type VersionHistory,
  type VersionSummary,
} from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs, type Api } from '../../helpers/api.ts';
import { editStoredPlanDoc } from '../../helpers/plan-content.ts';
import { collect, connectSocket, joinPlan } from '../../helpers/socket.ts';

let server: TestServer;
let planId: string;
let prescriber: Api;
let therapist: Api;
let coordinator: Api;
let patient: Api;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  planId = (await demoPlans(server.url)).north;
  [prescriber, therapist, coordinator, patient] = await Promise.all([
    loginAs(server.url, 'prescriber'),
    loginAs(server.url, 'therapist'),
    loginAs(server.url, 'coordinator'),
    loginAs(server.url, 'patient'),
  ]);
});

async function raiseSertraline(dose: number) {
  await editStoredPlanDoc(server, planId, 'medications', (doc) => {
    const med = readList(doc, 'medications').find((m) => m.name === 'Sertraline')!;
    updateEntry(doc, 'medications', med.id, { dose, status: 'active' });
  });
}

describe('plan versions', () => {
  it('are saved by those who may write the plan, with a content hash', async () => {
    expect((await coordinator.post(`/plans/${planId}/versions`, { label: 'x' })).status).toBe(403);
    expect((await patient.post(`/plans/${planId}/versions`, { label: 'x' })).status).toBe(403);
    const res = await prescriber.post<VersionSummary>(`/plans/${planId}/versions`, {
      label: 'Initial plan',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ number: 1, label: 'Initial plan', status: 'draft' });
    expect(res.body.contentHash).toMatch(/^[a-f0-9]{64}$/);

    const detail = await patient.get<VersionDetail>(`/plans/${planId}/versions/1`);
    expect(detail.body.content.medications?.map((m) => m.name)).toContain('Sertraline');
    expect(JSON.stringify(detail.body.content)).not.toContain('privateNotes');
  });

  it('are signed by the prescriber, co-signed by the therapist and acknowledged by the patient only', async () => {
    const url = `/plans/${planId}/versions/1`;
    expect((await patient.post(`${url}/acknowledge`)).body).toMatchObject({
      error: { code: 'not_signed' },
    });
    expect((await therapist.post(`${url}/cosign`)).status).toBe(409);
    expect((await therapist.post(`${url}/sign`)).status).toBe(403);
    expect((await coordinator.post(`${url}/sign`)).status).toBe(403);
    expect((await patient.post(`${url}/sign`)).status).toBe(403);

    const signed = await prescriber.post<VersionSummary>(`${url}/sign`);
    expect(signed.status).toBe(200);
    expect(signed.body.status).toBe('signed');
    expect((await prescriber.post(`${url}/sign`)).status).toBe(409);

    expect((await prescriber.post(`${url}/cosign`)).status).toBe(403);
    expect((await therapist.post(`${url}/cosign`)).status).toBe(200);
    expect((await therapist.post(`${url}/cosign`)).status).toBe(409);
    expect((await therapist.post(`${url}/acknowledge`)).status).toBe(403);
    const ack = await patient.post<VersionSummary>(`${url}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body.signatures.map((s) => [s.kind, s.role])).toEqual([
      ['sign', 'prescriber'],
      ['cosign', 'therapist'],
      ['acknowledge', 'patient'],
    ]);
    expect(ack.body.signatures.every((s) => s.contentHash === ack.body.contentHash)).toBe(true);
  });

  it('can never change once signed', async () => {
    const res = await prescriber.patch(`/plans/${planId}/versions/1`, { label: 'Renamed' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'version_signed' } });
    expect((await prescriber.get<VersionDetail>(`/plans/${planId}/versions/1`)).body.label).toBe(
      'Initial plan',
    );
  });

  it('verify their hash, and a record edited in the database fails verification and signing', async () => {
    const ok = await therapist.get<{ ok: boolean }>(`/plans/${planId}/versions/1/verify`);
    expect(ok.body.ok).toBe(true);

    const draft = await therapist.post<VersionSummary>(`/plans/${planId}/versions`, {
      label: 'Tampered draft',
    });
    await server.tandem.ctx.conn
      .collection('plan_versions')
      .updateOne(
        { number: draft.body.number },
        { $set: { content: '{"medications":[{"name":"something else"}]}' } },
      );
    const bad = await therapist.get<{ ok: boolean }>(
      `/plans/${planId}/versions/${draft.body.number}/verify`,
    );
    expect(bad.body.ok).toBe(false);
    const sign = await prescriber.post(`/plans/${planId}/versions/${draft.body.number}/sign`);
    expect(sign.body).toMatchObject({ error: { code: 'hash_mismatch' } });
  });

  it('show a later live edit as a draft with readable changes', async () => {
    await raiseSertraline(100);
    const history = await coordinator.get<VersionHistory>(`/plans/${planId}/versions`);
    expect(history.status).toBe(200);
    expect(history.body.live.changedSinceLatest).toBe(true);

    const diff = await prescriber.get<VersionDiff>(`/plans/${planId}/diff?from=1&to=live`);
    expect(diff.body.changes.map((c) => c.text)).toContain('Sertraline 50 mg → 100 mg once daily');

    const forPatient = await patient.get<ChangesSinceReview>(
      `/plans/${planId}/changes-since-review`,
    );
    expect(forPatient.body.lastReviewed).toMatchObject({ number: 1, label: 'Initial plan' });
    // Nothing signed since: nothing to acknowledge, and the change is shown as not signed yet.
    expect(forPatient.body).toMatchObject({ toReview: null, changes: [] });
    expect(forPatient.body.unsigned.map((c) => c.plain)).toContain(
      'Your Sertraline dose went up from 50 mg to 100 mg, once a day.',
    );

    const v3 = await prescriber.post<VersionSummary>(`/plans/${planId}/versions`, {
      label: 'Dose increase',
    });
    const between = await patient.get<VersionDiff>(
      `/plans/${planId}/diff?from=1&to=${v3.body.number}`,
    );
    // raiseSertraline also starts the template's planned sertraline.
    expect(between.body.changes.map((c) => c.text)).toEqual([
      'Started Sertraline 100 mg once daily',
      'Sertraline 50 mg → 100 mg once daily',
    ]);
  });

  it('show the patient what a signed version changed, apart from later changes not signed yet', async () => {
    await raiseSertraline(100);
    const v = await prescriber.post<VersionSummary>(`/plans/${planId}/versions`, {
      label: 'Sertraline 100 mg',
    });
    await raiseSertraline(150);
    expect((await prescriber.post(`/plans/${planId}/versions/${v.body.number}/sign`)).status).toBe(
      200,
    );

    const since = async () =>
      (await patient.get<ChangesSinceReview>(`/plans/${planId}/changes-since-review`)).body;
    const before = await since();
    expect(before.toReview).toEqual({ number: v.body.number, label: 'Sertraline 100 mg' });
    // What acknowledging confirms is the signed version, not the live plan.
    // (raiseSertraline also starts the template's planned sertraline.)
    expect(before.changes.map((c) => c.plain)).toEqual([
      'Sertraline was started: 100 mg, once a day.',
      'Your Sertraline dose went up from 50 mg to 100 mg, once a day.',
    ]);
    expect(before.unsigned.map((c) => c.plain)).toEqual([
      'Your Sertraline dose went up from 100 mg to 150 mg, once a day.',
    ]);

    expect(
      (await patient.post(`/plans/${planId}/versions/${v.body.number}/acknowledge`)).status,
    ).toBe(200);
    const after = await since();
    expect(after).toMatchObject({
      lastReviewed: { number: v.body.number },
      toReview: null,
      changes: [],
    });
    expect(after.unsigned.map((c) => c.plain)).toEqual(before.unsigned.map((c) => c.plain));
  });

  it('record a signature once even when two requests race', async () => {
    const v = await prescriber.post<VersionSummary>(`/plans/${planId}/versions`, {
      label: 'Race',
    });
    const url = `/plans/${planId}/versions/${v.body.number}/sign`;
    const results = await Promise.all([1, 2, 3, 4].map(() => prescriber.post(url)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const detail = await prescriber.get<VersionDetail>(
      `/plans/${planId}/versions/${v.body.number}`,
    );
    expect(detail.body.signatures.filter((s) => s.kind === 'sign')).toHaveLength(1);
  });

  it('are all saved, numbered one after another, when many are saved at once', async () => {
    const before = (await prescriber.get<VersionHistory>(`/plans/${planId}/versions`)).body
      .versions;
    const saves = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        (i % 2 ? therapist : prescriber).post<VersionSummary>(`/plans/${planId}/versions`, {
          label: `At once ${i}`,
        }),
      ),
    );
    expect(saves.map((s) => s.status)).toEqual(Array(15).fill(201));
    const top = before[0]?.number ?? 0;
    expect(saves.map((s) => s.body.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 15 }, (_, i) => top + i + 1),
    );
  });

  it('keep the label they were signed with when a rename races the signature', async () => {
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (i) => {
        const v = await prescriber.post<VersionSummary>(`/plans/${planId}/versions`, {
          label: `Label ${i}`,
        });
        const url = `/plans/${planId}/versions/${v.body.number}`;
        const [sign, rename] = await Promise.all([
          prescriber.post<VersionSummary>(`${url}/sign`),
          therapist.patch(url, { label: `Renamed ${i}` }),
        ]);
        const stored = await prescriber.get<VersionDetail>(url);
        return { i, sign, rename, stored: stored.body.label };
      }),
    );
    for (const { i, sign, rename, stored } of outcomes) {
      expect(sign.status).toBe(200);
      // The label a signature answers with is the one it keeps for good.
      expect(stored).toBe(sign.body.label);
      if (rename.status === 200) expect(stored).toBe(`Renamed ${i}`);
      else expect(rename.body).toMatchObject({ error: { code: 'version_signed' } });
    }
  });

  it('refuse people outside the care team and bad version numbers', async () => {
    const outsider = await loginAs(server.url, 'prescriber2');
    expect((await outsider.get(`/plans/${planId}/versions`)).status).toBe(403);
    expect((await outsider.post(`/plans/${planId}/versions/1/sign`)).status).toBe(403);
    expect((await outsider.get(`/plans/${planId}/diff?from=1`)).status).toBe(403);
    expect((await prescriber.get(`/plans/${planId}/versions/abc`)).status).toBe(400);
    expect((await prescriber.get(`/plans/${planId}/versions/99`)).status).toBe(404);
    expect((await prescriber.get(`/plans/${planId}/diff?from=zero`)).status).toBe(400);
    expect((await prescriber.post(`/plans/${planId}/versions`, { label: '' })).status).toBe(400);
  });

  it("reach the open pages of the plan's care team and patient at once, and no one else's", async () => {
    const sockets = await Promise.all(
      [therapist, patient].map(async (who) => {
        const socket = await connectSocket(server.url, who.token!);
        expect(await joinPlan(socket, planId)).toEqual({ ok: true });
        return collect(socket, 'version:updated');
      }),
    );
    const outsider = await connectSocket(
      server.url,
      (await loginAs(server.url, 'patient2')).token!,
    );
    expect((await joinPlan(outsider, planId)).ok).toBe(false);
    const overheard = collect(outsider, 'version:updated');

    const saved = await prescriber.post<VersionSummary>(`/plans/${planId}/versions`, {
      label: 'Pushed',
    });
    const number = saved.body.number;
    await prescriber.post(`/plans/${planId}/versions/${number}/sign`);
    await patient.post(`/plans/${planId}/versions/${number}/acknowledge`);
    for (const seen of sockets) {
      await expect
        .poll(() =>
          seen.map((e) => [
            e.planId,
            e.version.number,
            e.version.status,
            e.version.signatures.length,
          ]),
        )
        .toEqual([
          [planId, number, 'draft', 0],
          [planId, number, 'signed', 1],
          [planId, number, 'signed', 2],
        ]);
    }
    expect(overheard).toEqual([]);
  });
});
