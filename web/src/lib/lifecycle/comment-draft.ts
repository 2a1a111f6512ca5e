import { DeviceDraft } from '$lib/collab/device-draft.svelte.ts';
import { deviceStash } from '$lib/collab/stash.ts';

/**
 * How long an unsent message is kept. After a week it likely no longer says
 * how things are; the person still sees it dated and can send or drop it
 * until then.
 */
const DRAFT_DAYS = 7;

const prefix = (planId: string) => `comment:${planId}:`;

/** What a message being written answers: a goal (a new conversation) or a conversation (a reply). */
export type CommentTarget = { goal: string } | { thread: string };

/**
 * A message to the care team being written, kept on the device as it is
 * typed, so that closing the drawer, leaving the page or a phone dropping it
 * loses none of it. One per person, plan and goal or conversation.
 */
export function commentDraft(
  userId: string,
  planId: string,
  target: CommentTarget,
): DeviceDraft<string> {
  const about = 'goal' in target ? `goal:${target.goal}` : `reply:${target.thread}`;
  return new DeviceDraft(userId, `${prefix(planId)}${about}`, {
    maxAgeMs: DRAFT_DAYS * 24 * 3_600_000,
    parse: (stored) => (typeof stored === 'string' && stored.trim() ? stored : null),
  });
}

/** How many messages this person wrote in the plan on this device and has not sent. */
export async function unsentComments(userId: string, planId: string): Promise<number> {
  const stash = await deviceStash(userId);
  return stash ? (await stash.docs(prefix(planId))).length : 0;
}
