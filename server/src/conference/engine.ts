import type { AppContext } from '../context.ts';
import { createStateLog } from './state.ts';
import { conferenceService } from './service.ts';
import { conferenceLive } from './live.ts';
import { conferenceRecords } from './records.ts';
import { conferenceMinutes } from './minutes.ts';

/**
 * The conference domain of one instance: REST and Socket.IO share it, so
 * changes to one conference's live state queue up in one place.
 */
export function conferenceEngine(ctx: AppContext) {
  const log = createStateLog(ctx);
  return {
    log,
    conferences: conferenceService(ctx, log),
    live: conferenceLive(ctx, log),
    records: conferenceRecords(ctx, log),
    minutes: conferenceMinutes(ctx, log),
  };
}

export type ConferenceEngine = ReturnType<typeof conferenceEngine>;
