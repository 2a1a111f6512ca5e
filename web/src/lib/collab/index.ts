export { CollabDoc, type CollabClose, type CollabDocOptions } from './collab-doc.svelte.ts';
export { collabBaseUrl, countingWebSocket } from './socket.ts';
export { confirmLeaving } from './unsaved.ts';
export type { PresenceUser, SaveStatus } from '@tandem/shared';
