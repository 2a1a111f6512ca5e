import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, type TeamDetail, type TeamSummary } from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { loginAs, type Api } from '../../helpers/api.ts';

let server: TestServer;
let coordinator: Api;
let teamId: string;
let memberId: string;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  coordinator = await loginAs(server.url, 'coordinator');
  teamId = (await coordinator.get<TeamSummary[]>('/teams')).body[0]!.id;
  const team = await coordinator.get<TeamDetail>(`/teams/${teamId}`);
  memberId = team.body.members.find((m) => m.role === 'therapist')!.id;
});

/** Everything a bad request could have left behind. */
async function snapshot() {
  const db = server.tandem.ctx.conn;
  const [users, patients, plans, team] = await Promise.all([
    db.collection('users').countDocuments({}),
    db.collection('patients').countDocuments({}),
    db.collection('plans').countDocuments({}),
    coordinator.get<TeamDetail>(`/teams/${teamId}`),
  ]);
  return { users, patients, plans, members: team.body.members };
}

type Case = [name: string, body: string | object, status: number, code: string, path?: string];

const writes = () =>
  [
    {
      method: 'POST',
      path: `/teams/${teamId}/members`,
      valid: { email: 'valid@demo.test', name: 'Valid Name', role: 'therapist' },
      cases: [
        [
          'wrong types',
          { email: 42, name: ['x'], role: 'therapist' },
          400,
          'validation_failed',
          'email',
        ],
        [
          'a role that does not exist',
          { email: 'a@demo.test', name: 'A', role: 'surgeon' },
          400,
          'validation_failed',
          'role',
        ],
        [
          'a patient role',
          { email: 'a@demo.test', name: 'A', role: 'patient' },
          400,
          'validation_failed',
          'role',
        ],
        [
          'an invalid email',
          { email: 'not an email', name: 'A', role: 'therapist' },
          400,
          'validation_failed',
          'email',
        ],
        [
          'an empty name',
          { email: 'a@demo.test', name: '   ', role: 'therapist' },
          400,
          'validation_failed',
          'name',
        ],
        [
          'an unknown field',
          { email: 'a@demo.test', name: 'A', role: 'therapist', admin: true },
          400,
          'validation_failed',
        ],
      ] as Case[],
    },
    {
      method: 'PATCH',
      path: `/teams/${teamId}/members/${memberId}`,
      valid: { role: 'prescriber' },
      cases: [
        ['wrong types', { role: 7 }, 400, 'validation_failed', 'role'],
        ['an unknown field', { role: 'prescriber', teamId: 'x' }, 400, 'validation_failed'],
        ['no fields', {}, 400, 'validation_failed', 'role'],
      ] as Case[],
    },
    {
      method: 'POST',
      path: `/teams/${teamId}/patients`,
      valid: { name: 'Valid Patient', email: 'valid.patient@demo.test' },
      cases: [
        ['wrong types', { name: 5, email: 'p@demo.test' }, 400, 'validation_failed', 'name'],
        [
          'a date of birth in the future',
          { name: 'P', email: 'p@demo.test', dateOfBirth: '2999-01-01' },
          400,
          'validation_failed',
          'dateOfBirth',
        ],
        [
          'a date of birth that is not a date',
          { name: 'P', email: 'p@demo.test', dateOfBirth: '12/31/1990' },
          400,
          'validation_failed',
          'dateOfBirth',
        ],
        ['an unknown field', { name: 'P', email: 'p@demo.test', teamId }, 400, 'validation_failed'],
        [
          'a name of a control character',
          { name: '\u0000', email: 'p@demo.test' },
          400,
          'validation_failed',
          'name',
        ],
        [
          'a name that reverses how it reads',
          { name: 'Alex \u202eMorgan', email: 'p@demo.test' },
          400,
          'validation_failed',
          'name',
        ],
        [
          'a name of invisible characters',
          { name: '\u200b\u200b', email: 'p@demo.test' },
          400,
          'validation_failed',
          'name',
        ],
        [
          'a name too long',
          { name: 'x'.repeat(500), email: 'p@demo.test' },
          400,
          'validation_failed',
          'name',
        ],
      ] as Case[],
    },
  ] as const;

const COMMON: Case[] = [
  ['malformed JSON', '{"email": "a@demo.test",', 400, 'malformed_json'],
  ['a JSON array', '[1, 2, 3]', 400, 'validation_failed'],
  ['an oversized body', { name: 'x'.repeat(300 * 1024) }, 413, 'payload_too_large'],
];

describe('bad input to team administration', () => {
  it.each([
    ['adding a member', 0],
    ['changing a role', 1],
    ['creating a patient', 2],
  ])('%s: every bad body gets its 4xx in the error format, and nothing is stored', async (_, i) => {
    const route = writes()[i]!;
    const before = await snapshot();
    for (const [name, body, status, code, field] of [...COMMON, ...route.cases]) {
      const res = await coordinator.request(route.method, route.path, body);
      expect(res.status, `${route.method} ${route.path}: ${name}`).toBe(status);
      const parsed = ErrorBody.safeParse(res.body);
      expect(parsed.success, `${name}: error format`).toBe(true);
      expect(parsed.data!.error.code, name).toBe(code);
      if (field) {
        expect(
          (parsed.data!.error.details as { path: string }[]).map((d) => d.path),
          name,
        ).toContain(field);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('treats a body that is not JSON as missing fields', async () => {
    const before = await snapshot();
    const res = await fetch(`${server.url}/api/v1/teams/${teamId}/patients`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${coordinator.token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'name=Form&email=form%40demo.test',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('validation_failed');
    expect(await snapshot()).toEqual(before);
  });

  it('answers ids that are not ids without touching anything', async () => {
    const before = await snapshot();
    expect((await coordinator.get('/teams/not-an-id')).status).toBe(403);
    expect((await coordinator.delete(`/teams/${teamId}/members/not-an-id`)).status).toBe(404);
    expect(
      (await coordinator.patch(`/teams/${teamId}/members/${'f'.repeat(24)}`, { role: 'therapist' }))
        .status,
    ).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});

describe('bad input to sign-in', () => {
  it('refuses malformed sign-in requests, audited, without counting them as attempts', async () => {
    const api = await loginAs(server.url, 'patient');
    for (const body of [
      '{"email":',
      { email: 'patient@demo.test' },
      { email: 'patient@demo.test', password: 'x', remember: true },
      { email: ['patient@demo.test'], password: 'x' },
    ]) {
      const res = await api.request('POST', '/auth/login', body);
      expect(res.status).toBe(400);
      expect(ErrorBody.safeParse(res.body).success).toBe(true);
    }
    const failures = await server.tandem.ctx.conn
      .collection('audits')
      .find({ action: 'auth.login', outcome: 'failure' })
      .toArray();
    // The body that is not JSON never reaches the sign-in route.
    expect(failures.map((r) => r.details)).toEqual(Array(3).fill({ reason: 'invalid_request' }));
    expect((await loginAs(server.url, 'patient')).token).toEqual(expect.any(String));
  });
});
