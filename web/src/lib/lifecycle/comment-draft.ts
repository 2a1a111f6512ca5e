import { DeviceDraft } from '$lib/collab/device-draft.svelte.ts';
import { deviceStash } from '$lib/collab/stash.ts';

/**
 * How long an unsent message is kept. After a week it likely no longer says
 * how things are; the person still sees it dated and can send or drop it
 * until then.
 */
const MAX_AGE_MS = 7 * 24 * 3_600_000;

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
    maxAgeMs: MAX_AGE_MS,
    parse: (stored) => (typeof stored === 'string' && stored.trim() ? stored : null),
  });
}

/** The person's messages in the plan kept on this device and not sent, by what they answer. */
export async function keptCommentDrafts(userId: string, planId: string): Promise<CommentTarget[]> {
  const stash = await deviceStash(userId);
  const oldest = Date.now() - MAX_AGE_MS;
  return (stash ? await stash.list(prefix(planId)) : []).flatMap(
    ({ doc, savedAt }): CommentTarget[] => {
      if (savedAt < oldest) return [];
      const [kind, id] = doc.slice(prefix(planId).length).split(':');
      if (!id) return [];
      return kind === 'goal' ? [{ goal: id }] : kind === 'reply' ? [{ thread: id }] : [];
    },
  );
}

/** Whether a record's name is one of the plan's comment drafts. */
export const isCommentDraft = (planId: string, doc: string) => doc.startsWith(prefix(planId));
