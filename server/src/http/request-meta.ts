import type { Request } from 'express';
import type { RequestMeta } from '../authz/authorize.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { userOf } from '../auth/authenticate.ts';

/** The request id and source address that every audit record of a request carries. */
export function requestMeta(req: Request): RequestMeta {
  return { requestId: req.id, ip: req.ip ?? null };
}

/** Who acts in a service call: the signed-in user and where the request came from. */
export type Actor = { user: AuthUser; meta: RequestMeta };

export function actorOf(req: Request): Actor {
  return { user: userOf(req), meta: requestMeta(req) };
}
