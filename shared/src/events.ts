/** Socket.IO event maps shared by the server and the web app. */

export type Ack<T = unknown> = (
  result: { ok: true; data?: T } | { ok: false; error: { code: string; message: string } },
) => void;

export type ServerToClientEvents = {
  /** The session behind this socket ended (logout or expiry); the socket closes next. */
  'session:ended': (payload: { reason: string }) => void;
};

export type ClientToServerEvents = {
  /** Joins the live room of a plan the user may read. */
  'plan:join': (planId: string, ack: Ack) => void;
  'plan:leave': (planId: string) => void;
};

export const planRoom = (planId: string) => `plan:${planId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
