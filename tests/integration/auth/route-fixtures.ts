import { addEntry } from '@tandem/shared';
import type {
  Comment,
  PlanInteraction,
  Proposal,
  Role,
  TeamDetail,
  TeamSummary,
  VersionSummary,
} from '@tandem/shared';
import type { TestServer } from '../../helpers/server.ts';
import { loginAs, type Api, type DemoUser } from '../../helpers/api.ts';
import { editStoredPlanDoc } from '../../helpers/plan-content.ts';
import { appendCheckIn } from '@tandem/server/checkins/store.ts';

/** Own team: the North Team (the caller's). Other team: the South Team. */
export type Target = 'own' | 'other';

type Client = Api & { user: { id: string } };

/**
 * What route-table entries build their requests from: the demo ids of each
 * team, signed-in clients, and factories for things a request acts on.
 * Factories named `fresh…` make a new thing per call, for requests that
 * change it (resolving a thread twice would be a 409, not an authorization answer).
 */
export type Fixtures = {
  /** The server under test, for factories that write to its database. */
  server: TestServer;
  planId(t: Target): string;
  teamId(t: Target): string;
  patientId(t: Target): string;
  /** A signed-in demo user; cached until `resetSessions()`. */
  as(who: DemoUser): Promise<Client>;
  resetSessions(): void;
  /** A new North member for own (to change or remove), South's prescriber for other. */
  freshMember(t: Target): Promise<string>;
  /** A new North patient for own (their password to reset), South's for other. */
  freshPatient(t: Target): Promise<string>;
  /** A comment by the team's prescriber, shared by the cells of a table entry. */
  comment(t: Target): Promise<string>;
  freshComment(t: Target, opts?: { resolved?: boolean }): Promise<string>;
  /** A saved version of the plan, shared; `fresh` for one to sign. */
  version(t: Target): Promise<number>;
  freshVersion(t: Target, opts?: { signed?: boolean }): Promise<number>;
  /** An open medication proposal by the team's prescriber, one per call. */
  freshProposal(t: Target): Promise<string>;
  /** The key of a new, unacknowledged interaction warning on the plan, one per call. */
  freshInteraction(t: Target): Promise<string>;
  /** A PHQ-9 check-in reporting thoughts of self-harm, not yet followed up, one per call. */
  freshFlaggedCheckIn(t: Target): Promise<string>;
  unique(prefix: string): string;
};

/** A complete GAD-7 check-in. */
export const checkInBody = () => ({ instrument: 'gad7', answers: [1, 1, 1, 1, 1, 1, 1] });

/** A proposal body that names no existing medication, so it fits any plan. */
export const proposalBody = () => ({
  change: { kind: 'start', name: 'Melatonin', dose: 3, unit: 'mg', frequency: 'at bedtime' },
  rationale: 'Trouble falling asleep',
});

const PRESCRIBER: Record<Target, DemoUser> = { own: 'prescriber', other: 'prescriber2' };
const PATIENT: Record<Target, DemoUser> = { own: 'patient', other: 'patient2' };

export async function createFixtures(server: TestServer): Promise<Fixtures> {
  let sessions = new Map<DemoUser, Promise<Client>>();
  const as = (who: DemoUser) => {
    let s = sessions.get(who);
    if (!s) sessions.set(who, (s = loginAs(server.url, who)));
    return s;
  };

  const ids = {} as Record<Target, { plan: string; team: string; patient: string }>;
  for (const t of ['own', 'other'] as const) {
    const patient = await as(PATIENT[t]);
    const [plan] = (
      await patient.get<{ id: string; patient: { id: string }; team: { id: string } }[]>('/plans')
    ).body;
    ids[t] = { plan: plan!.id, team: plan!.team.id, patient: plan!.patient.id };
  }

  let n = 0;
  const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++n}`;
  const ok = <T>(res: { status: number; body: T }, what: string): T => {
    if (res.status >= 300)
      throw new Error(`fixture ${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const freshComment = async (t: Target, opts: { resolved?: boolean } = {}) => {
    const author = await as(PRESCRIBER[t]);
    const c = ok(
      await author.post<Comment>(`/plans/${ids[t].plan}/comments`, {
        goalId: 'goal-fixture',
        body: `Fixture comment ${unique('c')}`,
      }),
      'comment',
    );
    if (opts.resolved)
      ok(await author.post(`/plans/${ids[t].plan}/comments/${c.id}/resolve`), 'resolve');
    return c.id;
  };
  const freshVersion = async (t: Target, opts: { signed?: boolean } = {}) => {
    const author = await as(PRESCRIBER[t]);
    const v = ok(
      await author.post<VersionSummary>(`/plans/${ids[t].plan}/versions`, { label: unique('v') }),
      'version',
    );
    if (opts.signed) {
      ok(await author.post(`/plans/${ids[t].plan}/versions/${v.number}/sign`), 'sign');
    }
    return v.number;
  };
  const freshProposal = async (t: Target) => {
    const author = await as(PRESCRIBER[t]);
    const p = ok(
      await author.post<Proposal>(`/plans/${ids[t].plan}/proposals`, proposalBody()),
      'proposal',
    );
    return p.id;
  };
  const freshInteraction = async (t: Target) => {
    let medId = '';
    await editStoredPlanDoc(server, ids[t].plan, 'medications', (doc) => {
      medId = addEntry(doc, 'medications', {
        name: 'Phenelzine',
        dose: 15,
        unit: 'mg',
        frequency: 'three times daily',
        status: 'active',
      });
    });
    const author = await as(PRESCRIBER[t]);
    const warnings = ok(
      await author.get<PlanInteraction[]>(`/plans/${ids[t].plan}/interactions`),
      'interactions',
    );
    const fresh = warnings.find((w) => !w.acknowledged && w.key.includes(medId));
    if (!fresh) throw new Error('fixture interaction: no warning for the new medication');
    return fresh.key;
  };
  let checkIns = 0;
  const freshFlaggedCheckIn = async (t: Target) => {
    const patient = await as(PATIENT[t]);
    // Stored as of long ago, a few days apart: a check-in of the day stays the patient's to make.
    const c = await appendCheckIn(server.tandem.ctx, {
      planId: ids[t].plan,
      instrument: 'phq9',
      answers: [1, 1, 1, 1, 1, 1, 1, 1, 1],
      difficulty: null,
      submittedBy: { id: patient.user.id, name: 'Fixture Patient' },
      submittedAt: new Date(Date.now() - (100 + 2 * ++checkIns) * 86_400_000),
    });
    return String(c._id);
  };
  const memo = <T>(make: (t: Target) => Promise<T>) => {
    const cache = new Map<Target, Promise<T>>();
    return (t: Target) => {
      let v = cache.get(t);
      if (!v) cache.set(t, (v = make(t)));
      return v;
    };
  };

  return {
    server,
    planId: (t) => ids[t].plan,
    teamId: (t) => ids[t].team,
    patientId: (t) => ids[t].patient,
    as,
    resetSessions: () => {
      sessions = new Map();
    },
    async freshMember(t) {
      if (t === 'other') {
        const south = await as('prescriber2');
        const teams = ok(await south.get<TeamSummary[]>('/teams'), 'teams');
        const team = ok(await south.get<TeamDetail>(`/teams/${teams[0]!.id}`), 'team');
        return team.members[0]!.id;
      }
      const coordinator = await as('coordinator');
      const res = ok(
        await coordinator.post<{ member: { id: string } }>(`/teams/${ids.own.team}/members`, {
          email: `${unique('member')}@demo.test`,
          name: 'Fixture Clinician',
          role: 'therapist',
        }),
        'member',
      );
      return res.member.id;
    },
    async freshPatient(t) {
      if (t === 'other') return ids.other.patient;
      const coordinator = await as('coordinator');
      const res = ok(
        await coordinator.post<{ patient: { id: string } }>(`/teams/${ids.own.team}/patients`, {
          name: 'Fixture Patient',
          email: `${unique('patient')}@demo.test`,
        }),
        'patient',
      );
      return res.patient.id;
    },
    comment: memo((t) => freshComment(t)),
    freshComment,
    version: memo((t) => freshVersion(t)),
    freshVersion,
    freshProposal,
    freshInteraction,
    freshFlaggedCheckIn,
    unique,
  };
}

export type { Role };
