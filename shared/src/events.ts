import type { Comment, Notification } from './comments.ts';
import type { Proposal } from './proposals.ts';

/** Socket.IO event maps shared by the server and the web app. */

export type Ack<T = unknown> = (
  result: { ok: true; data?: T } | { ok: false; error: { code: string; message: string } },
) => void;

export type ServerToClientEvents = {
  /** The session behind this socket ended (logout or expiry); the socket closes next. */
  'session:ended': (payload: { reason: string }) => void;
  /** A comment was posted, edited, resolved or reopened on a plan the socket has joined. */
  'comment:created': (comment: Comment) => void;
  'comment:updated': (comment: Comment) => void;
  /** Sent to the one person notified. */
  'notification:new': (notification: Notification) => void;
  /** A medication proposal was made, accepted or declined on a joined plan. */
  'proposal:updated': (proposal: Proposal) => void;
};

export type ClientToServerEvents = {
  /** Joins the live room of a plan the user may read. */
  'plan:join': (planId: string, ack: Ack) => void;
  'plan:leave': (planId: string) => void;
};

export const planRoom = (planId: string) => `plan:${planId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
