import { DeviceDraft } from '$lib/collab/device-draft.svelte.ts';
import { deviceStash } from '$lib/collab/stash.ts';

/**
 * How long an unsent message is kept. After a week it likely no longer says
 * how things are; the person still sees it dated and can send or drop it
 * until then.
 */
const MAX_AGE_MS = 7 * 24 * 3_600_000;

const prefix = (planId: string) => `comment:${planId}:`;

/**
 * What a message being written is: a new conversation on a goal, a reply in
 * a conversation, or a change to one of the person's own comments.
 */
export type CommentTarget = { goal: string } | { thread: string } | { edit: string };

const KINDS = { goal: 'goal', thread: 'reply', edit: 'edit' } as const;

/**
 * A message to the care team being written, kept on the device as it is
 * typed, so that closing the drawer, leaving the page or a phone dropping it
 * loses none of it. One per person, plan and goal, conversation or comment.
 */
export function commentDraft(
  userId: string,
  planId: string,
  target: CommentTarget,
): DeviceDraft<string> {
  const [[kind, id]] = Object.entries(target) as [[keyof typeof KINDS, string]];
  return new DeviceDraft(userId, `${prefix(planId)}${KINDS[kind]}:${id}`, {
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
      const [name, id] = doc.slice(prefix(planId).length).split(':');
      const kind = Object.entries(KINDS).find(([, n]) => n === name)?.[0];
      return kind && id ? [{ [kind]: id } as CommentTarget] : [];
    },
  );
}

/** Whether a record's name is one of the plan's comment drafts. */
export const isCommentDraft = (planId: string, doc: string) => doc.startsWith(prefix(planId));
