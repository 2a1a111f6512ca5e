/**
 * Changes on this device that the server has not stored yet, across every
 * open collab document of the tab, so that leaving the page never drops
 * them without the person knowing. Changes the device keeps (stash.ts) are
 * sent on the next visit and need nothing; nor do changes of a connected
 * document, already on their way. Changes made offline on a device that
 * cannot keep them exist only in this tab.
 */

export interface UnsavedSource {
  /** Holds changes the server has not confirmed as stored. */
  readonly pending: boolean;
  /** The device keeps every such change. */
  readonly kept: boolean;
  readonly connected: boolean;
}

/** Changes that leaving the page would lose. */
const atRisk = (s: UnsavedSource) => s.pending && !s.kept;

const STRANDED_MESSAGE =
  'Your latest changes are not saved yet, and Tandem cannot send them now. ' +
  'If you leave, they will be lost. Leave anyway?';

const open = new Set<UnsavedSource>();
/** Documents whose stranded changes the person chose to leave behind. */
const abandoned = new WeakSet<UnsavedSource>();

/** Closing or reloading the tab: the browser asks with its own words. */
function onBeforeUnload(event: BeforeUnloadEvent): void {
  if (![...open].some((s) => atRisk(s) && !abandoned.has(s))) return;
  event.preventDefault();
  // Older browsers show the prompt only for a set returnValue.
  event.returnValue = '';
}

/** `source` is open in this tab; call `untrack` once it is gone. */
export function track(source: UnsavedSource): void {
  if (open.size === 0) addEventListener('beforeunload', onBeforeUnload);
  open.add(source);
}

export function untrack(source: UnsavedSource): void {
  open.delete(source);
  if (open.size === 0) removeEventListener('beforeunload', onBeforeUnload);
}

/** `source` is connected again: whatever it holds now is on its way, and new stranded changes count. */
export function reconnected(source: UnsavedSource): void {
  abandoned.delete(source);
}

function stranded(): UnsavedSource[] {
  return [...open].filter((s) => atRisk(s) && !s.connected && !abandoned.has(s));
}

/**
 * Before the app leaves the page (a link, signing out): true when nothing
 * would be lost or the person agrees to leave it. Asks at most once for the
 * same changes, so a departure that passes two checks does not ask twice.
 */
export function confirmLeaving(): boolean {
  const lost = stranded();
  if (lost.length === 0) return true;
  if (!confirm(STRANDED_MESSAGE)) return false;
  for (const s of lost) abandoned.add(s);
  return true;
}
