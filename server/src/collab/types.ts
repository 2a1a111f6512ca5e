import type { IncomingMessage } from 'node:http';
import type { Role } from '@tandem/shared';

/** Who is on the other end of a collab connection, as the injected policy resolved it. */
export type CollabIdentity = { userId: string; name: string; role: Role; sessionId: string };

export type DocAccessLevel = 'write' | 'read' | 'none' | 'unknown';

/**
 * Authentication and authorization, injected so that the engine knows nothing
 * about sessions or care teams.
 */
export type CollabPolicy = {
  /** Runs once per upgrade, before any document is touched; null closes the socket with 4401. */
  authenticate(req: IncomingMessage): Promise<CollabIdentity | null>;
  /** 'none' closes with 4403, 'unknown' with 4404. */
  docAccess(identity: CollabIdentity, docName: string): Promise<DocAccessLevel>;
  /** Called when a connection is admitted; the returned function runs when it closes. */
  admitted?(identity: CollabIdentity, docName: string): () => void;
  /** Called with each change the engine accepts from a connection (the audit of writes). */
  wrote?(identity: CollabIdentity, docName: string): void;
  /** Called once per connection when a change is dropped because it may only read. */
  refused?(identity: CollabIdentity, docName: string): void;
};

/**
 * Where a change to a document came from. It decides what happens next:
 * a connection's change is stored, broadcast and fanned out; a change read from
 * Redis is broadcast locally and stored only if its origin instance does not
 * confirm it; loaded state is neither.
 */
export type UpdateOrigin =
  | { source: 'connection'; connId: number; userId: string }
  | { source: 'redis'; instanceId: string; lseq: number; userId: string; at: number }
  | { source: 'load' }
  | { source: 'server'; userId: string };
