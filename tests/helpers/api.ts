import type { LoginResponse, PlanListItem } from '@tandem/shared';

export const DEMO_PASSWORD = 'tandem-demo';
export const DEMO = {
  prescriber: 'prescriber@demo.test',
  therapist: 'therapist@demo.test',
  coordinator: 'coordinator@demo.test',
  patient: 'patient@demo.test',
  prescriber2: 'prescriber2@demo.test',
  patient2: 'patient2@demo.test',
} as const;
export type DemoUser = keyof typeof DEMO;

export type ApiResult<T = unknown> = { status: number; body: T; headers: Headers };

/** A small REST client bound to one server and (optionally) one bearer token. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<T>> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body ?? {});
  }
  put<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {});
  }
  delete<T = unknown>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export type UserApi = Api & { user: LoginResponse['user'] };

/** Signs a demo user in and returns a client carrying their bearer token. */
export async function loginAs(
  baseUrl: string,
  who: DemoUser | string,
  password = DEMO_PASSWORD,
): Promise<UserApi> {
  const email = who in DEMO ? DEMO[who as DemoUser] : who;
  const res = await new Api(baseUrl).post<LoginResponse>('/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status}`);
  return Object.assign(new Api(baseUrl, res.body.token), { user: res.body.user });
}

/** Every demo user signed in, by name. */
export async function loginAll(baseUrl: string): Promise<Record<DemoUser, UserApi>> {
  const users = {} as Record<DemoUser, UserApi>;
  for (const who of Object.keys(DEMO) as DemoUser[]) users[who] = await loginAs(baseUrl, who);
  return users;
}

/** The demo plans by patient name: North Team's Alex Morgan and South Team's Casey Brooks. */
export async function demoPlans(baseUrl: string): Promise<{ north: string; south: string }> {
  const north = await loginAs(baseUrl, 'patient');
  const south = await loginAs(baseUrl, 'patient2');
  const [n] = (await north.get<PlanListItem[]>('/plans')).body;
  const [s] = (await south.get<PlanListItem[]>('/plans')).body;
  return { north: n!.id, south: s!.id };
}

/**
 * Signs in an account a coordinator just made and replaces its first password
 * (`${firstPassword}-own`), as the person must before anything else works.
 */
export async function loginWithFirstPassword(
  baseUrl: string,
  email: string,
  firstPassword: string,
): Promise<UserApi> {
  const client = await loginAs(baseUrl, email, firstPassword);
  const changed = await client.post('/auth/password', {
    currentPassword: firstPassword,
    newPassword: `${firstPassword}-own`,
  });
  if (changed.status !== 204) throw new Error(`password change ${email} failed: ${changed.status}`);
  return client;
}
