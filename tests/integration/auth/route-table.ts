import type { Role } from '@tandem/shared';
import { readPlanSnapshot } from '@tandem/server/plans/content.ts';
import { DEMO, DEMO_PASSWORD } from '../../helpers/api.ts';
import { checkInBody, proposalBody, type Fixtures, type Target } from './route-fixtures.ts';
import { actionItemBody, conferenceParams as conf } from '../conference/matrix.ts';

/**
 * Every REST route of Tandem with the exact status each caller gets: per role
 * on the caller's own team's resource (North Team) and on another team's
 * (South Team), and without a session. `authorization-matrix.test.ts` walks
 * the live Express app and fails when a route is missing here, and calls
 * every cell. Adding a route? Add an entry; the failure message prints one to
 * start from.
 *
 * Path parameters `:planId`, `:teamId` and `:patientId` are filled in from the
 * target team; any other parameter needs `params`.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Cells = Record<Role, number>;

export type RouteEntry = {
  method: Method;
  /** The Express path pattern, as mounted: `/api/v1/plans/:planId`. */
  path: string;
  expect: { own: Cells; other: Cells; anonymous: number };
  params?: (fx: Fixtures, t: Target) => Promise<Record<string, string>>;
  query?: (fx: Fixtures, t: Target) => Promise<Record<string, string>>;
  /** A valid body (or a promise of one); `role` is the caller's, null without a session. */
  body?: (fx: Fixtures, t: Target, role: Role | null) => unknown;
  /** The call ends the caller's session (logout): each cell signs in anew. */
  freshSession?: boolean;
  /** The call ends the account's other sessions: cached sign-ins are dropped after the entry. */
  endsOtherSessions?: boolean;
};

/** Every role gets `status`. */
export const all = (status: number): Cells => ({
  prescriber: status,
  therapist: status,
  coordinator: status,
  patient: status,
});
/** The listed roles get `status`, the others 403. */
export const only = (roles: Role[], status: number): Cells =>
  Object.fromEntries(
    (['prescriber', 'therapist', 'coordinator', 'patient'] as const).map((r) => [
      r,
      roles.includes(r) ? status : 403,
    ]),
  ) as Cells;

/** A route about one plan or team: outsiders get 403, however they ask. */
const scoped = (own: Cells) => ({ own, other: all(403), anonymous: 401 });
/** A route about the caller themself: the target team makes no difference. */
const personal = (cells: Cells) => ({ own: cells, other: cells, anonymous: 401 });
const open = (status: number) => ({ own: all(status), other: all(status), anonymous: status });

const route = (
  method: Method,
  path: string,
  expect: RouteEntry['expect'],
  extra: Omit<RouteEntry, 'method' | 'path' | 'expect'> = {},
): RouteEntry => ({ method, path: `/api/v1${path}`, expect, ...extra });

const CLINICIANS: Role[] = ['prescriber', 'therapist', 'coordinator'];

const commentParam = (fx: Fixtures, t: Target) =>
  fx.comment(t).then((commentId) => ({ commentId }));
const versionParam = (fx: Fixtures, t: Target) =>
  fx.version(t).then((n) => ({ number: String(n) }));

export const ROUTES: RouteEntry[] = [
  // --- health and sign-in
  route('GET', '/health', open(200)),
  route('POST', '/auth/login', open(200), {
    body: (_fx, _t, role) => ({ email: DEMO[role ?? 'patient'], password: DEMO_PASSWORD }),
  }),
  route('POST', '/auth/logout', personal(all(204)), { freshSession: true }),
  route('GET', '/auth/me', personal(all(200))),
  route('GET', '/auth/device-key', personal(all(200))),
  // Answers a visitor without a session too ({ user: null }), as the login page asks it.
  route('GET', '/auth/session', open(200)),
  route('POST', '/auth/password', personal(all(204)), {
    freshSession: true,
    endsOtherSessions: true,
    body: () => ({ currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD }),
  }),

  // --- plans
  route('GET', '/plans', personal(all(200))),
  route('GET', '/plans/:planId', scoped(all(200))),
  route('GET', '/plans/:planId/fhir', scoped(only(CLINICIANS, 200))),

  // --- comments on goals
  route('GET', '/plans/:planId/comments', scoped(all(200))),
  route('POST', '/plans/:planId/comments', scoped(all(201)), {
    body: (fx) => ({ goalId: 'goal-matrix', body: `Matrix comment ${fx.unique('c')}` }),
  }),
  route('POST', '/plans/:planId/comments/:commentId/replies', scoped(all(201)), {
    params: commentParam,
    body: () => ({ body: 'A reply' }),
  }),
  // Only the author (the prescriber, in the fixtures) edits a comment.
  route('PATCH', '/plans/:planId/comments/:commentId', scoped(only(['prescriber'], 200)), {
    params: commentParam,
    body: () => ({ body: 'Edited' }),
  }),
  route('POST', '/plans/:planId/comments/:commentId/resolve', scoped(all(200)), {
    params: (fx, t) => fx.freshComment(t).then((commentId) => ({ commentId })),
  }),
  route('POST', '/plans/:planId/comments/:commentId/reopen', scoped(all(200)), {
    params: (fx, t) => fx.freshComment(t, { resolved: true }).then((commentId) => ({ commentId })),
  }),
  route('GET', '/notifications', personal(all(200))),
  route('POST', '/notifications/read', personal(all(200)), { body: () => ({ all: true }) }),

  // --- plan versions and signatures
  route('GET', '/plans/:planId/versions', scoped(all(200))),
  route('POST', '/plans/:planId/versions', scoped(only(['prescriber', 'therapist'], 201)), {
    body: (fx) => ({ label: fx.unique('Matrix version') }),
  }),
  route('GET', '/plans/:planId/versions/:number', scoped(all(200)), { params: versionParam }),
  route(
    'PATCH',
    '/plans/:planId/versions/:number',
    scoped(only(['prescriber', 'therapist'], 200)),
    {
      params: versionParam,
      body: (fx) => ({ label: fx.unique('Renamed') }),
    },
  ),
  route('GET', '/plans/:planId/versions/:number/verify', scoped(all(200)), {
    params: versionParam,
  }),
  route('POST', '/plans/:planId/versions/:number/sign', scoped(only(['prescriber'], 200)), {
    params: (fx, t) => fx.freshVersion(t).then((n) => ({ number: String(n) })),
  }),
  route('POST', '/plans/:planId/versions/:number/cosign', scoped(only(['therapist'], 200)), {
    params: (fx, t) => fx.freshVersion(t, { signed: true }).then((n) => ({ number: String(n) })),
  }),
  route('POST', '/plans/:planId/versions/:number/acknowledge', scoped(only(['patient'], 200)), {
    params: (fx, t) => fx.freshVersion(t, { signed: true }).then((n) => ({ number: String(n) })),
  }),
  route('GET', '/plans/:planId/diff', scoped(all(200)), {
    query: (fx, t) => fx.version(t).then((n) => ({ from: String(n) })),
  }),
  route('GET', '/plans/:planId/changes-since-review', scoped(all(200))),
  route('PUT', '/plans/:planId/goals/:goalId/own-words', scoped(only(['patient'], 204)), {
    params: async (fx, t) => ({
      goalId: (await readPlanSnapshot(fx.server.tandem.ctx, fx.planId(t))).goals![0]!.id,
    }),
    body: () => ({ text: 'Sleeping through the night again' }),
  }),
  route('GET', '/plans/:planId/edits', scoped(all(200))),

  // --- medication proposals
  route('GET', '/plans/:planId/proposals', scoped(only(CLINICIANS, 200))),
  route('POST', '/plans/:planId/proposals', scoped(only(['prescriber', 'therapist'], 201)), {
    body: proposalBody,
  }),
  route('POST', '/plans/:planId/proposals/:proposalId/accept', scoped(only(['prescriber'], 200)), {
    params: (fx, t) => fx.freshProposal(t).then((proposalId) => ({ proposalId })),
    body: () => ({}),
  }),
  route('POST', '/plans/:planId/proposals/:proposalId/decline', scoped(only(['prescriber'], 200)), {
    params: (fx, t) => fx.freshProposal(t).then((proposalId) => ({ proposalId })),
    body: () => ({ reason: 'Not now' }),
  }),

  // --- check-ins (PHQ-9, GAD-7): the patient completes them, prescribers and therapists follow up
  route('GET', '/plans/:planId/check-ins', scoped(all(200))),
  route('POST', '/plans/:planId/check-ins', scoped(only(['patient'], 201)), { body: checkInBody }),
  route(
    'POST',
    '/plans/:planId/check-ins/:checkInId/follow-up',
    scoped(only(['prescriber', 'therapist'], 200)),
    {
      params: (fx, t) => fx.freshFlaggedCheckIn(t).then((checkInId) => ({ checkInId })),
      body: () => ({ note: 'Matrix follow-up: called the patient.' }),
    },
  ),

  // --- drug-interaction warnings
  route('GET', '/plans/:planId/interactions', scoped(only(CLINICIANS, 200))),
  route('POST', '/plans/:planId/interactions/acknowledge', scoped(only(['prescriber'], 200)), {
    body: async (fx, t) => ({
      key: await fx.freshInteraction(t),
      reason: 'Deliberate cross-taper',
    }),
  }),

  // --- case conferences (own team: the patient is invited to their own case)
  route('GET', '/conferences', personal(all(200))),
  route('POST', '/conferences', scoped(only(['coordinator'], 201)), {
    body: (fx, t) => ({
      teamId: fx.teamId(t),
      title: fx.unique('Matrix conference'),
      scheduledAt: '2030-01-07T09:00:00Z',
      cases: [{ planId: fx.planId(t), reason: 'Matrix case', timeBoxMinutes: 10 }],
    }),
  }),
  route('GET', '/conferences/:conferenceId', scoped(all(200)), { params: conf.scheduled }),
  route('PATCH', '/conferences/:conferenceId', scoped(only(['coordinator'], 200)), {
    params: conf.scheduled,
    body: (fx) => ({ title: fx.unique('Renamed conference') }),
  }),
  route('DELETE', '/conferences/:conferenceId', scoped(only(['coordinator'], 204)), {
    params: conf.freshScheduled,
  }),
  route('POST', '/conferences/:conferenceId/start', scoped(only(['coordinator'], 200)), {
    params: conf.freshScheduled,
  }),
  // The presenter (the team's first member, the prescriber) or a coordinator ends it.
  route(
    'POST',
    '/conferences/:conferenceId/end',
    scoped(only(['prescriber', 'coordinator'], 200)),
    {
      params: conf.freshLive,
    },
  ),
  route('GET', '/conferences/:conferenceId/cases/:caseId/brief', scoped(all(200)), {
    params: conf.live,
  }),
  route(
    'POST',
    '/conferences/:conferenceId/cases/:caseId/decisions',
    scoped(only(CLINICIANS, 201)),
    {
      params: conf.live,
      body: () => ({ text: 'Matrix decision' }),
    },
  ),
  route(
    'POST',
    '/conferences/:conferenceId/cases/:caseId/action-items',
    scoped(only(CLINICIANS, 201)),
    { params: conf.liveWithOwner, body: actionItemBody },
  ),
  route('GET', '/conferences/:conferenceId/records', scoped(all(200)), { params: conf.live }),
  route('GET', '/conferences/:conferenceId/attendance', scoped(all(200)), { params: conf.live }),
  route('GET', '/conferences/:conferenceId/minutes', scoped(all(200)), { params: conf.live }),
  route('GET', '/conferences/:conferenceId/minutes.md', scoped(all(200)), { params: conf.live }),
  route('GET', '/plans/:planId/action-items', scoped(all(200))),
  route('GET', '/plans/:planId/conference-summaries', scoped(all(200))),
  route('GET', '/action-items', personal(all(200))),
  route('PATCH', '/action-items/:itemId', scoped(only(CLINICIANS, 200)), {
    params: conf.actionItem,
    body: () => ({ status: 'done' }),
  }),

  // --- care teams
  route('GET', '/teams', personal(all(200))),
  route('GET', '/teams/:teamId', scoped(only(CLINICIANS, 200))),
  route('POST', '/teams/:teamId/members', scoped(only(['coordinator'], 201)), {
    body: (fx) => ({
      email: `${fx.unique('matrix')}@demo.test`,
      name: 'Matrix Clinician',
      role: 'therapist',
    }),
  }),
  route('PATCH', '/teams/:teamId/members/:userId', scoped(only(['coordinator'], 200)), {
    params: (fx, t) => fx.freshMember(t).then((userId) => ({ userId })),
    body: () => ({ role: 'prescriber' }),
  }),
  route('DELETE', '/teams/:teamId/members/:userId', scoped(only(['coordinator'], 204)), {
    params: (fx, t) => fx.freshMember(t).then((userId) => ({ userId })),
  }),
  route('POST', '/teams/:teamId/members/:userId/password', scoped(only(['coordinator'], 200)), {
    params: (fx, t) => fx.freshMember(t).then((userId) => ({ userId })),
  }),
  route('GET', '/teams/:teamId/patients', scoped(only(CLINICIANS, 200))),
  route('POST', '/teams/:teamId/patients', scoped(only(['coordinator'], 201)), {
    body: (fx) => ({ name: 'Matrix Patient', email: `${fx.unique('patient')}@demo.test` }),
  }),
  route('POST', '/teams/:teamId/patients/:patientId/password', scoped(only(['coordinator'], 200)), {
    params: (fx, t) => fx.freshPatient(t).then((patientId) => ({ patientId })),
  }),

  // --- audit trail
  route('GET', '/audit', personal(only(['coordinator'], 200))),
  route('GET', '/audit/verify', personal(only(['coordinator'], 200))),
  route('GET', '/me/access-log', personal(only(['patient'], 200))),
];

export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
