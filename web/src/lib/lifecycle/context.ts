import { getContext, setContext } from 'svelte';
import type { PlanLifecycle } from './plan-lifecycle.svelte.ts';

const KEY = Symbol('plan-lifecycle');

/**
 * Makes the open plan's lifecycle state available to the panels mounted inside
 * the workspace. The getter is read lazily, so the state may be created later
 * (in an effect) and replaced when another plan is opened.
 */
export function provideLifecycle(get: () => PlanLifecycle | undefined): void {
  setContext(KEY, get);
}

export function useLifecycle(): () => PlanLifecycle | undefined {
  return getContext<(() => PlanLifecycle | undefined) | undefined>(KEY) ?? (() => undefined);
}
