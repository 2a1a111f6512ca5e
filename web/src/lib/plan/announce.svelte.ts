/**
 * What the plan page says to screen readers that nothing else on the screen says:
 * a removed row, a colleague arriving or leaving, the connection dropping with
 * unsaved changes. One polite live region (`PlanAnnouncer.svelte`) reads it out.
 */
class PlanAnnouncer {
  text = $state('');
  #seq = 0;

  /**
   * Reads `message` out. The region is emptied first and filled a moment later,
   * so the same words twice in a row (two rows removed) are read twice.
   */
  say(message: string): void {
    const seq = ++this.#seq;
    this.text = '';
    setTimeout(() => {
      if (seq === this.#seq) this.text = message;
    }, 50);
  }

  /** Forgets what was said, when the page it was said on goes away. */
  clear(): void {
    this.#seq++;
    this.text = '';
  }
}

export const planAnnouncer = new PlanAnnouncer();

/** Reads `message` out politely on the plan page. */
export const announce = (message: string): void => planAnnouncer.say(message);
