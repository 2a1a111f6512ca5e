import { tick } from 'svelte';

/**
 * Once the page has caught up with a change that took away the focused control (a row
 * removed, a form closed), gives the keyboard to the first of `ids` that is on the page
 * and usable, so that it does not fall back to the page's start.
 */
export async function focusFirst(...ids: (string | null | undefined)[]): Promise<void> {
  await tick();
  for (const id of ids) {
    const el = id ? document.getElementById(id) : null;
    if (!el || (el as HTMLButtonElement).disabled || el.closest('[inert]')) continue;
    el.focus();
    return;
  }
}
