import { EventEmitter } from 'node:events';

/** In-process events between domains of one instance (auth tells realtime and collab). */
export type AppEventMap = {
  /** A session ended (logout, expiry, disabled account): close its sockets. */
  'session:ended': [sessionId: string];
  /** A clinician joined or left a team, or changed role there: live connections re-check their access. */
  'membership:changed': [
    change: { teamId: string; userId: string; kind: 'added' | 'removed' | 'role' },
  ];
  /** Something else changed what a user may open (a conference ended): their /collab connections re-check. */
  'access:recheck': [userId: string];
  /** A conference ended on this instance (its minutes became read-only). */
  'conference:ended': [conferenceId: string];
};

export type AppEvents = EventEmitter<AppEventMap>;

export function createEvents(): AppEvents {
  const events = new EventEmitter<AppEventMap>();
  events.setMaxListeners(50);
  return events;
}
