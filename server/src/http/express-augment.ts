// Augments Express's Request for the whole server. Only the type checker reads
// this file (middleware.ts imports it as a type).
import 'express-serve-static-core';
import type { AuthUser, ResolvedSession } from '../auth/sessions.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the requestId middleware. */
    id: string;
    /** Set by requireUser. */
    user?: AuthUser;
    session?: ResolvedSession;
  }
}
