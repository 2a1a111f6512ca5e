import { describe, expect, it } from 'vitest';
import { buildFhirBundle, type FhirExportInput } from '@tandem/server/fhir/bundle.ts';
import { privateNotes, writeRichText } from '@tandem/shared';
import { fhirR4Validator } from '../../helpers/fhir.ts';
import { startTestServer } from '../../helpers/server.ts';
import { demoPlans, loginAs } from '../../helpers/api.ts';
import { editStoredPlanDoc } from '../../helpers/plan-content.ts';

const sampleExport: FhirExportInput = {
  baseUrl: 'http://localhost:3000',
  exportedAt: new Date('2026-11-27T10:00:00Z'),
  patient: { id: '64b000000000000000000001', name: 'Alex Morgan', dateOfBirth: '1991-04-12' },
  team: {
    id: '64b000000000000000000002',
    name: 'North Team',
    members: [
      { id: '64b000000000000000000003', name: 'Dr. Maya Okafor', role: 'prescriber' },
      { id: '64b000000000000000000004', name: 'Sam Rivera, LCSW', role: 'therapist' },
    ],
  },
  plan: {
    id: '64b000000000000000000005',
    title: 'Depression and anxiety',
    status: 'active',
    createdAt: new Date('2026-11-01T09:00:00Z'),
    updatedAt: new Date('2026-11-20T09:00:00Z'),
  },
  content: {
    goals: [
      {
        id: 'g_1',
        title: 'Sleep at least 7 hours',
        status: 'in_progress',
        target: '7 h on 5 nights a week',
        dueDate: '2027-01-15',
        patientWords: 'I want to wake up rested',
      },
      { id: 'g2', title: 'Return to work part-time', status: 'planned' },
    ],
    medications: [
      {
        id: 'm1',
        name: 'sertraline',
        dose: 50,
        unit: 'mg',
        route: 'oral',
        frequency: 'once daily',
        status: 'active',
        indication: 'depression',
        startDate: '2026-11-02',
      },
    ],
    therapy: { modality: 'CBT', frequency: 'weekly', focus: 'behavioural activation' },
  },
  signatures: [
    {
      versionId: 'v1',
      versionLabel: 'Initial plan',
      userId: '64b000000000000000000003',
      name: 'Dr. Maya Okafor',
      role: 'prescriber',
      kind: 'sign',
      at: new Date('2026-11-20T10:00:00Z'),
      contentHash: 'ab'.repeat(32),
    },
    {
      versionId: 'v1',
      versionLabel: 'Initial plan',
      userId: '64b000000000000000000001',
      name: 'Alex Morgan',
      role: 'patient',
      kind: 'acknowledge',
      at: new Date('2026-11-21T10:00:00Z'),
      contentHash: 'ab'.repeat(32),
    },
  ],
  checkIns: [
    {
      id: '64b000000000000000000006',
      instrument: 'phq9',
      answers: [2, 2, 1, 2, 1, 2, 1, 1, 1],
      score: 13,
      severity: 'moderate',
      submittedAt: new Date('2026-11-22T08:00:00Z'),
    },
  ],
};

describe('buildFhirBundle', () => {
  const validate = fhirR4Validator();

  it('produces a Bundle that validates against the official FHIR R4 JSON schema', () => {
    const bundle = buildFhirBundle(sampleExport);
    const ok = validate(bundle);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('holds each kind of resource with the plan content', () => {
    const bundle = buildFhirBundle(sampleExport) as unknown as {
      entry: { resource: Record<string, unknown> & { resourceType: string } }[];
    };
    const types = bundle.entry.map((e) => e.resource.resourceType);
    for (const t of ['Patient', 'CareTeam', 'CarePlan', 'Goal', 'MedicationRequest', 'Provenance'])
      expect(types).toContain(t);
    const med = bundle.entry.find((e) => e.resource.resourceType === 'MedicationRequest')!
      .resource as unknown as { dosageInstruction: { text: string }[] };
    expect(med.dosageInstruction[0]!.text).toBe('sertraline 50 mg oral once daily');
    const goal = bundle.entry.find((e) => e.resource.id === 'goal-g-1')!.resource;
    expect(goal).toMatchObject({
      expressedBy: { reference: 'Patient/64b000000000000000000001' },
      target: [{ detailString: '7 h on 5 nights a week', dueDate: '2027-01-15' }],
    });
    expect(types.filter((t) => t === 'Provenance')).toHaveLength(2);
    const observation = bundle.entry.find((e) => e.resource.resourceType === 'Observation');
    expect(observation?.resource).toMatchObject({
      id: 'checkin-64b000000000000000000006',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
      valueInteger: 13,
    });
    // Each answer under its item's LOINC code: the first and the self-harm item.
    const components = observation!.resource.component as {
      code: { coding: { code: string }[] };
      valueCodeableConcept: unknown;
    }[];
    expect(components).toHaveLength(9);
    expect(components[0]).toMatchObject({
      code: { coding: [{ code: '44250-9' }] },
      valueCodeableConcept: { coding: [{ code: 'LA6570-1', display: 'More than half the days' }] },
    });
    expect(components[8]).toMatchObject({
      code: { coding: [{ code: '44260-8' }] },
      valueCodeableConcept: { coding: [{ code: 'LA6569-3', display: 'Several days' }] },
    });
  });

  it('rejects a broken resource, so the validation is real', () => {
    const bundle = buildFhirBundle(sampleExport) as unknown as {
      entry: { resource: Record<string, unknown> }[];
    };
    bundle.entry[0]!.resource.birthDate = 'not a date';
    expect(validate(bundle)).toBe(false);
  });
});

describe('GET /plans/:planId/fhir', () => {
  it('exports the live plan as a valid Bundle without clinician-only notes, and audits it', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { north } = await demoPlans(server.url);
    const marker = 'PRIVATE-MARKER-7f3a';
    await editStoredPlanDoc(server, north, 'private', (doc) => {
      writeRichText(privateNotes(doc), [{ type: 'paragraph', text: `Clinician note ${marker}` }]);
    });
    const prescriber = await loginAs(server.url, 'prescriber');
    await prescriber.post(`/plans/${north}/versions`, { label: 'Initial plan' });
    await prescriber.post(`/plans/${north}/versions/1/sign`);

    const res = await prescriber.get<{ entry: { resource: { resourceType: string } }[] }>(
      `/plans/${north}/fhir`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const validate = fhirR4Validator();
    expect(validate(res.body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain(marker);
    const types = res.body.entry.map((e) => e.resource.resourceType);
    expect(types).toEqual(
      expect.arrayContaining(['Patient', 'CareTeam', 'CarePlan', 'Goal', 'MedicationRequest']),
    );
    expect(types.filter((t) => t === 'Provenance')).toHaveLength(1);

    const exports = await server.tandem.ctx.conn
      .collection('audits')
      .countDocuments({ action: 'plan.export', resourceId: north, outcome: 'success' });
    expect(exports).toBe(1);
  });

  it('is refused to patients and to people outside the care team', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { north } = await demoPlans(server.url);
    for (const who of ['patient', 'prescriber2', 'patient2'] as const) {
      const api = await loginAs(server.url, who);
      expect((await api.get(`/plans/${north}/fhir`)).status, who).toBe(403);
    }
  });
});
