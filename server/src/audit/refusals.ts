import type { Request } from 'express';
import type { AppContext } from '../context.ts';

/**
 * Records a request refused before anyone is known to be signed in (a foreign
 * Origin): the endpoint, the request id and the source address.
 */
export async function auditRefusal(ctx: AppContext, req: Request, reason: string): Promise<void> {
  await ctx.audit.record({
    action: 'access.denied',
    outcome: 'denied',
    resourceType: 'endpoint',
    resourceId: `${req.method} ${req.originalUrl.split('?')[0]}`.slice(0, 200),
    requestId: req.id,
    ip: req.ip ?? null,
    details: { reason },
  });
}
