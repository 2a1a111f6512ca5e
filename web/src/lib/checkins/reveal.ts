import { keepInView } from '$lib/keep-in-view.ts';
import type { PlanLifecycle } from '$lib/lifecycle/plan-lifecycle.svelte.ts';

/**
 * Brings a part of the plan into view and puts the focus on its heading when a
 * link asked for it (`?open=checkins`). Run from an effect once the part is shown.
 */
export function revealWhenAsked(
  life: PlanLifecycle | undefined,
  section: string,
  heading: HTMLElement | null | undefined,
): void {
  if (!life || !heading || life.focusSection !== section) return;
  life.focusSection = null;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  // The section, not its title: sections keep clear of the sticky header (scroll-margin-top).
  keepInView(heading.closest('section') ?? heading, { block: 'start' });
  heading.focus({ preventScroll: true });
}
