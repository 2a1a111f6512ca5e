import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, ROLES, type Role } from '@tandem/shared';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { Api, loginAs } from '../../helpers/api.ts';
import { expressRoutes } from '../../helpers/routes.ts';
import { createFixtures, type Fixtures, type Target } from './route-fixtures.ts';
import { ROUTES, routeKey, type RouteEntry } from './route-table.ts';

let server: TestServer;
let fx: Fixtures;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  fx = await createFixtures(server);
});

describe('the route table', () => {
  it('has an entry for every route of the app, and none for a route that is gone', () => {
    const live = expressRoutes(server.tandem.app);
    const liveKeys = new Set(live.map((r) => routeKey(r.method, r.path)));
    const tableKeys = ROUTES.map((r) => routeKey(r.method, r.path));

    const missing = live
      .filter((r) => !tableKeys.includes(routeKey(r.method, r.path)))
      .map(
        (r) =>
          `${r.method} ${r.path} → add to ROUTES in tests/integration/auth/route-table.ts, with its real statuses: ` +
          `route('${r.method}', '${r.path.replace(/^\/api\/v1/, '')}', scoped(only(['prescriber', 'therapist'], 200)))`,
      );
    expect(missing, 'REST routes without an authorization entry').toEqual([]);

    const stale = tableKeys.filter((k) => !liveKeys.has(k));
    expect(stale, 'route-table.ts entries for routes the app does not have').toEqual([]);
    expect(tableKeys.length, 'duplicate route-table.ts entries').toBe(new Set(tableKeys).size);
  });
});

/** Calls one cell and returns its status; an error status must come in the JSON error format. */
async function call(
  entry: RouteEntry,
  target: Target,
  role: Role | null,
): Promise<number | string> {
  const params: Record<string, string> = {
    planId: fx.planId(target),
    teamId: fx.teamId(target),
    patientId: fx.patientId(target),
    ...(await entry.params?.(fx, target)),
  };
  let path = entry.path.replace(/^\/api\/v1/, '').replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in params)) {
      throw new Error(`${entry.method} ${entry.path}: give the entry a params() for :${name}`);
    }
    return encodeURIComponent(params[name]!);
  });
  const query = await entry.query?.(fx, target);
  if (query) path += `?${new URLSearchParams(query)}`;

  const api =
    role === null
      ? new Api(server.url)
      : entry.freshSession
        ? await loginAs(server.url, role)
        : await fx.as(role);
  const body = await entry.body?.(fx, target, role);
  const res = await api.request(
    entry.method,
    path,
    body ?? (entry.method === 'GET' ? undefined : {}),
  );
  if (res.status >= 400 && !ErrorBody.safeParse(res.body).success) {
    return `${res.status} without the error format`;
  }
  return res.status;
}

describe.each(ROUTES)('$method $path', (entry) => {
  it('answers each role on its own team, on another team, and without a session', async () => {
    const want: Record<string, number> = {};
    const got: Record<string, number | string> = {};
    for (const target of ['own', 'other'] as const) {
      for (const role of ROLES) {
        const cell = `${role} → ${target} team`;
        want[cell] = entry.expect[target][role];
        got[cell] = await call(entry, target, role);
      }
    }
    want['no session'] = entry.expect.anonymous;
    got['no session'] = await call(entry, 'own', null);
    if (entry.endsOtherSessions) fx.resetSessions();
    expect(got).toEqual(want);
  });
});
