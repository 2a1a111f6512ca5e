import type { Action } from 'svelte/action';

/**
 * Shows a co-edited value in an input or textarea (`use:liveValue={goal.title}` in place
 * of `value=`). When someone else changes the text while this person types in
 * it, their caret stays by the letters it was at instead of jumping to the end
 * as it does when a value is replaced.
 */
export const liveValue: Action<
  HTMLInputElement | HTMLTextAreaElement,
  string | number | null | undefined
> = (input, value) => {
  input.value = String(value ?? '');
  return {
    update(next) {
      const prev = input.value;
      const text = String(next ?? '');
      if (prev === text) return;
      const focused = document.activeElement === input;
      const start = input.selectionStart;
      const end = input.selectionEnd;
      input.value = text;
      if (!focused || start === null || end === null) return;
      try {
        input.setSelectionRange(keepPlace(prev, text, start), keepPlace(prev, text, end));
      } catch {
        // Number and date inputs have no caret to keep.
      }
    },
  };
};

/** Where a caret at `at` in `prev` belongs in `next`: after a change before it, it moves along. */
function keepPlace(prev: string, next: string, at: number): number {
  let same = 0;
  while (same < prev.length && same < next.length && prev[same] === next[same]) same++;
  if (at <= same) return at;
  return Math.max(same, Math.min(next.length, at + next.length - prev.length));
}
