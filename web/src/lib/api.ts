import { ErrorBody } from '@tandem/shared';

/** An API error with the server's stable code and human message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying, from a 429's Retry-After header. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

let onSessionLost: (() => void) | null = null;

/**
 * Registers what happens when a signed-in request comes back 401: the session
 * expired or was ended elsewhere. The signed-in layout sends the user to /login.
 */
export function setSessionLostHandler(handler: (() => void) | null): void {
  onSessionLost = handler;
}

/** Calls the Tandem API on this origin with the session cookie; throws ApiError on failure. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      credentials: 'same-origin',
      ...init,
      headers: {
        Accept: 'application/json',
        ...(init.body ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Tandem cannot be reached. Check your connection.');
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, for instance: reported below by status.
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/auth/login') onSessionLost?.();
    const retryAfter = Number(res.headers.get('Retry-After'));
    const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
    const parsed = ErrorBody.safeParse(data);
    if (parsed.success)
      throw new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, wait);
    throw new ApiError(res.status, 'http_error', `The server answered ${res.status}.`, wait);
  }
  return data as T;
}
