import { beforeAll, describe, expect, it } from 'vitest';
import {
  CloseCode,
  MINUTES_TEXT,
  type AccessLogPage,
  type ActionItem,
  type CaseBrief,
  type ConferenceDecision,
  type ConferenceMinutes,
  type ConferenceRecords,
  type ConferenceView,
  type PlanConferenceSummary,
  type Proposal,
} from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { loginAs } from '../../helpers/api.ts';
import { connectClient } from '../collab/helpers.ts';
import {
  addPatient,
  createConference,
  emit,
  join,
  north,
  ok,
  participant,
  planOf,
  unique,
  type Signed,
} from './helpers.ts';

/**
 * What a conference records and where it lands: decisions (a medication one
 * as a proposal on the plan), action items on the plan and on the owner's
 * list, the co-edited minutes, and the minutes produced at the end.
 */
let server: TestServer;
let wsUrl: string;
let teamId: string;
let coordinator: Signed;
let prescriber: Signed;
let therapist: Signed;
let alex: Signed;
let riley: Signed;
let plans: { alex: string; riley: string };

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  wsUrl = `${server.url.replace('http', 'ws')}/collab`;
  const n = await north(server.url);
  coordinator = n.coordinator;
  teamId = n.teamId;
  const r = await addPatient(server.url, coordinator, teamId, 'Riley Chen');
  riley = r.client;
  prescriber = (await loginAs(server.url, 'prescriber')) as Signed;
  therapist = (await loginAs(server.url, 'therapist')) as Signed;
  alex = (await loginAs(server.url, 'patient')) as Signed;
  plans = { alex: await planOf(coordinator, 'Alex Morgan'), riley: r.planId };
});

async function liveConference(): Promise<ConferenceView> {
  const created = await createConference(coordinator, {
    teamId,
    title: unique('Monthly review'),
    scheduledAt: new Date(Date.now() + 60_000).toISOString(),
    cases: [
      {
        planId: plans.alex,
        reason: 'Partial response to sertraline',
        timeBoxMinutes: 10,
        patientInvited: true,
      },
      { planId: plans.riley, reason: 'Therapy goals', timeBoxMinutes: 10, patientInvited: true },
    ],
  });
  return ok(await coordinator.post<ConferenceView>(`/conferences/${created.id}/start`), 'start');
}

/** Types into a case's minutes document through an unmodified y-websocket client. */
async function typeMinutes(token: string, docName: string, text: string) {
  const client = connectClient(wsUrl, docName, { token, tandem: true });
  await client.synced;
  client.doc.getText(MINUTES_TEXT).insert(0, text);
  await expect.poll(() => client.saves.pending).toBe(false);
  expect(client.saves.status).toBe('saved');
  client.destroy();
}

describe('the case brief', () => {
  it('shows the patient’s check-ins, with follow-up notes for the care team only', async () => {
    const conf = await liveConference();
    const [alexCase] = conf.cases.map((c) => c.id);
    const path = `/conferences/${conf.id}/cases/${alexCase}/brief`;
    const team = ok(await prescriber.get<CaseBrief>(path), 'brief');
    const own = ok(await alex.get<CaseBrief>(path), 'brief');
    // The demo history: five of each form, newest first, the oldest PHQ-9 followed up.
    expect(team.checkIns.map((c) => `${c.instrument} ${c.score}`)).toEqual([
      'gad7 8',
      'phq9 9',
      'gad7 9',
      'phq9 11',
      'gad7 11',
      'phq9 13',
      'gad7 13',
      'phq9 16',
      'gad7 15',
      'phq9 18',
    ]);
    const flagged = team.checkIns.find((c) => c.safety)!;
    expect(flagged.followUp?.note).toBe('Safety plan reviewed by phone; no plan or intent.');
    expect(own.checkIns.map((c) => c.id)).toEqual(team.checkIns.map((c) => c.id));
    expect(own.checkIns.find((c) => c.safety)?.followUp).toEqual({
      ...flagged.followUp,
      note: null,
    });
    expect(JSON.stringify(own)).not.toContain('no plan or intent');
  });
});

describe('decisions and action items', () => {
  it('land on the right plans: a medication decision as a proposal, items on plan and owner', async () => {
    const conf = await liveConference();
    const [alexCase, rileyCase] = conf.cases.map((c) => c.id);
    const brief = ok(
      await prescriber.get<CaseBrief>(`/conferences/${conf.id}/cases/${alexCase}/brief`),
      'brief',
    );
    const sertraline = brief.snapshot.medications!.find((m) => m.name === 'Sertraline')!;

    const decision = ok(
      await therapist.post<ConferenceDecision>(
        `/conferences/${conf.id}/cases/${alexCase}/decisions`,
        {
          text: 'Increase sertraline to 100 mg daily',
          medicationChange: { kind: 'change', medicationId: sertraline.id, dose: 100 },
        },
      ),
      'decision',
    );
    expect(decision.proposalId).toEqual(expect.any(String));
    const general = ok(
      await therapist.post<ConferenceDecision>(
        `/conferences/${conf.id}/cases/${rileyCase}/decisions`,
        { text: 'Continue weekly CBT' },
      ),
      'decision',
    );
    expect(general.proposalId).toBeNull();

    const alexProposals = ok(
      await prescriber.get<Proposal[]>(`/plans/${plans.alex}/proposals`),
      'proposals',
    );
    const proposal = alexProposals.find((p) => p.id === decision.proposalId)!;
    expect(proposal).toMatchObject({
      status: 'open',
      summary: 'Sertraline 50 mg → 100 mg once daily',
      source: { type: 'conference', conferenceId: conf.id },
      rationale: 'Increase sertraline to 100 mg daily',
    });
    const rileyProposals = ok(
      await prescriber.get<Proposal[]>(`/plans/${plans.riley}/proposals`),
      'proposals',
    );
    expect(rileyProposals.filter((p) => p.source.type === 'conference')).toEqual([]);

    const forAlex = ok(
      await coordinator.post<ActionItem>(`/conferences/${conf.id}/cases/${alexCase}/action-items`, {
        text: 'Order a sodium level',
        ownerId: prescriber.user.id,
        dueDate: '2030-01-10',
      }),
      'action item',
    );
    const forRiley = ok(
      await coordinator.post<ActionItem>(
        `/conferences/${conf.id}/cases/${rileyCase}/action-items`,
        {
          text: 'Share the thought record worksheet',
          ownerId: therapist.user.id,
          dueDate: '2030-01-12',
        },
      ),
      'action item',
    );
    expect(forAlex).toMatchObject({ planId: plans.alex, owner: { id: prescriber.user.id } });

    const onAlexPlan = ok(
      await therapist.get<ActionItem[]>(`/plans/${plans.alex}/action-items`),
      'plan items',
    );
    expect(onAlexPlan.filter((i) => i.conferenceId === conf.id).map((i) => i.id)).toEqual([
      forAlex.id,
    ]);
    const onRileyPlan = ok(
      await therapist.get<ActionItem[]>(`/plans/${plans.riley}/action-items`),
      'plan items',
    );
    expect(onRileyPlan.filter((i) => i.conferenceId === conf.id).map((i) => i.id)).toEqual([
      forRiley.id,
    ]);

    const mine = ok(await prescriber.get<ActionItem[]>('/action-items'), 'mine');
    expect(mine.map((i) => i.id)).toContain(forAlex.id);
    expect(mine.map((i) => i.id)).not.toContain(forRiley.id);
    const done = ok(
      await prescriber.patch<ActionItem>(`/action-items/${forAlex.id}`, { status: 'done' }),
      'done',
    );
    expect(done).toMatchObject({ status: 'done', completedAt: expect.any(String) });

    // Owners come from the care team only; patients record nothing.
    const outsider = await loginAs(server.url, 'prescriber2');
    expect(
      (
        await coordinator.post(`/conferences/${conf.id}/cases/${alexCase}/action-items`, {
          text: 'x',
          ownerId: outsider.user.id,
          dueDate: '2030-01-10',
        })
      ).status,
    ).toBe(400);
    expect(
      (await alex.post(`/conferences/${conf.id}/cases/${alexCase}/decisions`, { text: 'x' }))
        .status,
    ).toBe(403);
    // A patient sees the records of their own case only.
    const alexRecords = ok(
      await alex.get<ConferenceRecords>(`/conferences/${conf.id}/records`),
      'records',
    );
    expect(alexRecords.decisions.map((d) => d.id)).toEqual([decision.id]);
    expect(alexRecords.actionItems.map((i) => i.id)).toEqual([forAlex.id]);
  });

  it('reach the room as they are captured, each audience its own cases', async () => {
    const conf = await liveConference();
    const [alexCase, rileyCase] = conf.cases.map((c) => c.id);
    const team = await participant(server.url, therapist);
    const patient = await participant(server.url, alex);
    await join(team, conf.id);
    await join(patient, conf.id);
    await coordinator.post(`/conferences/${conf.id}/cases/${rileyCase}/decisions`, {
      text: 'Refer to group therapy',
    });
    await coordinator.post(`/conferences/${conf.id}/cases/${alexCase}/decisions`, {
      text: 'Add a sleep diary',
    });
    await expect.poll(() => team.records.length).toBe(2);
    await expect.poll(() => patient.records.length).toBe(1);
    expect(patient.records[0]).toMatchObject({
      type: 'decision',
      decision: { text: 'Add a sleep diary' },
    });
  });
});

describe('a decision that changes medication', () => {
  const quetiapine = {
    kind: 'start',
    name: 'Quetiapine',
    dose: 25,
    unit: 'mg',
    frequency: 'at bedtime',
    route: 'oral',
    indication: 'sleep',
  } as const;

  it('reaches the invited patient without the proposal, everywhere, while the team keeps it', async () => {
    const conf = await liveConference();
    const [alexCase] = conf.cases.map((c) => c.id);
    const team = await participant(server.url, prescriber);
    const patient = await participant(server.url, alex);
    await join(team, conf.id);
    await join(patient, conf.id);

    const decision = ok(
      await therapist.post<ConferenceDecision>(
        `/conferences/${conf.id}/cases/${alexCase}/decisions`,
        { text: 'Add an evening medication for sleep', medicationChange: quetiapine },
      ),
      'decision',
    );
    expect(decision).toMatchObject({
      medicationChange: quetiapine,
      proposalId: expect.any(String),
    });
    const proposalId = decision.proposalId!;
    // Proposals are the care team's until accepted into the plan.
    expect((await alex.get(`/plans/${plans.alex}/proposals`)).status).toBe(403);

    // The patient reads the team's decision in their case, told that the prescriber decides,
    // without the change or its proposal.
    const stripped = {
      id: decision.id,
      text: 'Add an evening medication for sleep (a change to your medicines that your prescriber will decide on)',
      medicationChange: null,
      proposalId: null,
    };
    const full = { id: decision.id, medicationChange: quetiapine, proposalId };
    const leaks = (payload: unknown) => {
      const json = JSON.stringify(payload);
      return json.includes('Quetiapine') || json.includes(proposalId);
    };

    await expect.poll(() => team.records.length).toBe(1);
    await expect.poll(() => patient.records.length).toBe(1);
    expect(team.records[0]).toMatchObject({ type: 'decision', decision: full });
    expect(patient.records[0]).toMatchObject({ type: 'decision', decision: stripped });
    expect(leaks(patient.raw)).toBe(false);

    const teamRecords = ok(
      await prescriber.get<ConferenceRecords>(`/conferences/${conf.id}/records`),
      'records',
    );
    expect(teamRecords.decisions).toMatchObject([full]);
    const ownRecords = await alex.get<ConferenceRecords>(`/conferences/${conf.id}/records`);
    expect(ok(ownRecords, 'records').decisions).toMatchObject([stripped]);
    expect(leaks(ownRecords.body)).toBe(false);

    const teamMinutes = ok(
      await prescriber.get<ConferenceMinutes>(`/conferences/${conf.id}/minutes`),
      'minutes',
    );
    expect(teamMinutes.cases[0]!.decisions).toMatchObject([full]);
    const ownMinutes = await alex.get<ConferenceMinutes>(`/conferences/${conf.id}/minutes`);
    expect(ok(ownMinutes, 'minutes').cases[0]!.decisions).toMatchObject([stripped]);
    expect(leaks(ownMinutes.body)).toBe(false);

    const teamMd = (await prescriber.request<string>('GET', `/conferences/${conf.id}/minutes.md`))
      .body;
    expect(teamMd).toContain(
      '- Add an evening medication for sleep _(medication change proposed to the prescriber)_',
    );
    const ownMd = await alex.request<string>('GET', `/conferences/${conf.id}/minutes.md`);
    expect(ownMd.status).toBe(200);
    expect(ownMd.body).toContain(
      `- Add an evening medication for sleep \\(a change to your medicines that your prescriber will decide on\\) — recorded by `,
    );
    expect(ownMd.body).not.toContain('proposed to the prescriber');
  });

  it('is refused to a coordinator, who may not propose one, and records nothing', async () => {
    const conf = await liveConference();
    const [alexCase] = conf.cases.map((c) => c.id);
    const audits = server.tandem.ctx.conn.collection('audits');
    const refusals = () =>
      audits.countDocuments({
        actorId: coordinator.user.id,
        action: 'access.denied',
        resourceId: plans.alex,
        'details.permission': 'medication.propose',
      });
    const before = await refusals();

    const refused = await coordinator.post(`/conferences/${conf.id}/cases/${alexCase}/decisions`, {
      text: 'Add an evening medication for sleep',
      medicationChange: quetiapine,
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
    expect(await refusals()).toBe(before + 1);

    const proposals = ok(
      await prescriber.get<Proposal[]>(`/plans/${plans.alex}/proposals`),
      'proposals',
    );
    expect(
      proposals.filter((p) => p.source.type === 'conference' && p.source.conferenceId === conf.id),
    ).toEqual([]);
    const records = ok(
      await coordinator.get<ConferenceRecords>(`/conferences/${conf.id}/records`),
      'records',
    );
    expect(records.decisions).toEqual([]);

    // The coordinator still records the team's other decisions.
    const plain = await coordinator.post<ConferenceDecision>(
      `/conferences/${conf.id}/cases/${alexCase}/decisions`,
      { text: 'Review sleep at the next conference' },
    );
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ medicationChange: null, proposalId: null });
    const after = ok(
      await coordinator.get<ConferenceRecords>(`/conferences/${conf.id}/records`),
      'records',
    );
    expect(after.decisions.map((d) => d.id)).toEqual([plain.body.id]);
  });
});

describe('minutes', () => {
  it('contain exactly the recorded attendance, discussion, decisions and action items', async () => {
    const conf = await liveConference();
    const [alexCase, rileyCase] = conf.cases.map((c) => c.id);
    const [alexDoc, rileyDoc] = conf.cases.map((c) => c.minutesDoc);
    const host = await participant(server.url, coordinator);
    const doctor = await participant(server.url, prescriber);
    const patientAlex = await participant(server.url, alex);
    const patientRiley = await participant(server.url, riley);
    for (const p of [host, doctor, patientAlex, patientRiley]) await join(p, conf.id);

    await typeMinutes(
      coordinator.token!,
      alexDoc!,
      'Sleep improved.\nMood still low in the mornings.',
    );
    await typeMinutes(prescriber.token!, rileyDoc!, 'Engaged in therapy; homework done twice.');

    // The patient reads their own case's minutes and cannot change them; another case is closed to them.
    const own = connectClient(wsUrl, alexDoc!, { token: alex.token!, tandem: true });
    await own.synced;
    expect(own.access).toBe('read');
    expect(own.doc.getText(MINUTES_TEXT).toString()).toContain('Sleep improved.');
    const other = connectClient(wsUrl, rileyDoc!, { token: alex.token! });
    await expect.poll(() => other.closes[0]?.code).toBe(CloseCode.Forbidden);
    other.destroy();

    const decision = ok(
      await prescriber.post<ConferenceDecision>(
        `/conferences/${conf.id}/cases/${alexCase}/decisions`,
        { text: 'Keep the current dose for four more weeks' },
      ),
      'decision',
    );
    const item = ok(
      await coordinator.post<ActionItem>(
        `/conferences/${conf.id}/cases/${rileyCase}/action-items`,
        {
          text: 'Book a family session',
          ownerId: therapist.user.id,
          dueDate: '2030-02-01',
        },
      ),
      'item',
    );
    await emit(doctor.socket, 'conference:leave', { conferenceId: conf.id });
    await expect.poll(() => host.latest()?.participants.length).toBe(3);

    const ended = ok(await coordinator.post<ConferenceView>(`/conferences/${conf.id}/end`), 'end');
    expect(ended.live.status).toBe('ended');
    await expect.poll(() => patientAlex.latest()?.status).toBe('ended');

    const minutes = ok(
      await therapist.get<ConferenceMinutes>(`/conferences/${conf.id}/minutes`),
      'minutes',
    );
    const attendance = ok(
      await therapist.get<typeof minutes.attendance>(`/conferences/${conf.id}/attendance`),
      'attendance',
    );
    expect(minutes.attendance).toEqual(attendance);
    expect(minutes.attendance.map((e) => e.name).sort()).toEqual(
      [coordinator.user.name, prescriber.user.name, alex.user.name, 'Riley Chen'].sort(),
    );
    for (const e of minutes.attendance) {
      expect(e.intervals).toHaveLength(1);
      expect(Date.parse(e.intervals[0]!.leftAt)).toBeLessThanOrEqual(Date.parse(minutes.endedAt!));
    }
    const [first, second] = minutes.cases;
    expect(first).toMatchObject({
      caseId: alexCase,
      reason: 'Partial response to sertraline',
      discussion: 'Sleep improved.\nMood still low in the mornings.',
      decisions: [{ id: decision.id }],
      actionItems: [],
    });
    expect(second).toMatchObject({
      caseId: rileyCase,
      discussion: 'Engaged in therapy; homework done twice.',
      decisions: [],
      actionItems: [{ id: item.id, owner: { name: therapist.user.name }, dueDate: '2030-02-01' }],
    });

    const exportsSeenBy = async (patient: typeof alex) =>
      ok(await patient.get<AccessLogPage>('/me/access-log?others=true'), 'access log')
        .entries.filter((e) => e.action === 'conference.minutes.export')
        .map((e) => [e.actor?.name, e.label])
        .reverse();
    const exportsBefore = await exportsSeenBy(alex);
    const md = await therapist.request<string>('GET', `/conferences/${conf.id}/minutes.md`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toContain('text/markdown');
    const text = md.body;
    const tableRows = text.split('\n').filter((l) => /^\| (?!Name|---)/.test(l));
    expect(tableRows).toHaveLength(4);
    for (const e of minutes.attendance) expect(text).toContain(`| ${e.name} |`);
    expect(text).toContain('Mood still low in the mornings.');
    expect(text.match(/^- (?!\[)/gm)).toHaveLength(1);
    expect(text).toContain('- Keep the current dose for four more weeks');
    expect(text.match(/^- \[[ x]\] /gm)).toHaveLength(1);
    expect(text).toContain(
      `- [ ] Book a family session — **${therapist.user.name}**, due 2030-02-01`,
    );

    // Alex's minutes hold Alex's case only, and no other patient.
    const alexMd = (await alex.request<string>('GET', `/conferences/${conf.id}/minutes.md`)).body;
    expect(alexMd).toContain('Sleep improved.');
    expect(alexMd).not.toContain('Riley Chen');
    expect(alexMd).not.toContain('Engaged in therapy');
    expect(alexMd).not.toContain('Book a family session');

    // The therapist's export is in Alex's access log once: for Alex's case, not Riley's.
    expect(await exportsSeenBy(alex)).toEqual([
      ...exportsBefore,
      [therapist.user.name, 'Exported conference minutes about your care'],
    ]);

    // Each case's summary is in its plan's history; the minutes are read-only now.
    const history = ok(
      await therapist.get<PlanConferenceSummary[]>(`/plans/${plans.alex}/conference-summaries`),
      'history',
    );
    expect(history.find((h) => h.conferenceId === conf.id)).toMatchObject({
      caseId: alexCase,
      decisions: 1,
      actionItems: 0,
      href: `/conferences/${conf.id}/minutes#case-${alexCase}`,
    });
    const after = connectClient(wsUrl, alexDoc!, { token: coordinator.token!, tandem: true });
    await after.synced;
    expect(after.access).toBe('read');
    expect(
      (
        await coordinator.post(`/conferences/${conf.id}/cases/${alexCase}/decisions`, {
          text: 'Too late',
        })
      ).status,
    ).toBe(409);
  });
});
