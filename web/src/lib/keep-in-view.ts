/** What a person does to move the page themselves: keeping a part in view stops there. */
const OWN_MOVES = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;

/**
 * Brings `el` into view and keeps it there while the page is still filling
 * in around it, for `ms` or until the person moves the page themselves.
 *
 * A link into the plan (a notification's goal, the check-ins) lands before
 * everything above the target has loaded: a version to review or a check-in
 * that is due appears later and pushes the target out of view. Chromium's
 * scroll anchoring does not hold through a smooth scroll, and Safari has none.
 * Returns a function that stops early.
 */
export function keepInView(
  el: Element,
  { block = 'center', ms = 3_000 }: { block?: ScrollLogicalPosition; ms?: number } = {},
): () => void {
  const show = () => el.scrollIntoView({ block });
  const observer = new ResizeObserver(show);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
    for (const type of OWN_MOVES) removeEventListener(type, stop);
  };
  const timer = setTimeout(stop, ms);
  for (const type of OWN_MOVES) addEventListener(type, stop, { passive: true });
  // Called at once when observing starts, and again whenever the page's height changes.
  observer.observe(document.body);
  return stop;
}
