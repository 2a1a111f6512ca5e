import type { Role } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { planScope } from '../authz/authorize.ts';

/** The caller's role on a plan, or null when outside its care team (used by /collab). */
export async function planRoleFor(
  ctx: AppContext,
  user: AuthUser,
  planId: string,
): Promise<Role | null> {
  return (await planScope(ctx, user, planId))?.role ?? null;
}
