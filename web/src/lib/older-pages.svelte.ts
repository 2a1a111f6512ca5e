import { errorText } from '$lib/lifecycle/format.ts';

/** One page of a list read newest first: `next` is the `before` of the page after it, null at the end. */
export type Page<T> = { items: T[]; next: number | null };

/**
 * A list whose first page the route loaded and whose older pages are read
 * when the reader asks. Older pages belong to the view they were read in (its
 * `key`, the list's API path and query, to which `read` adds `before`): when
 * the route loads another view, they are dropped.
 */
export class OlderPages<T> {
  #older = $state<(Page<T> & { key: string }) | null>(null);
  loading = $state(false);
  failure = $state<string | null>(null);

  constructor(
    private readonly first: () => Page<T> & { key: string },
    private readonly read: (key: string, before: number) => Promise<Page<T>>,
  ) {}

  #current(): Page<T> | null {
    return this.#older?.key === this.first().key ? this.#older : null;
  }

  /** The first page and every older page read so far. */
  get items(): T[] {
    return [...this.first().items, ...(this.#current()?.items ?? [])];
  }

  /** Whether there is more to read. */
  get more(): boolean {
    return (this.#current() ?? this.first()).next !== null;
  }

  async readMore(): Promise<void> {
    const { key } = this.first();
    const before = (this.#current() ?? this.first()).next;
    if (before === null || this.loading) return;
    this.loading = true;
    this.failure = null;
    try {
      const page = await this.read(key, before);
      this.#older = {
        key,
        items: [...(this.#current()?.items ?? []), ...page.items],
        next: page.next,
      };
    } catch (err) {
      this.failure = errorText(err);
    } finally {
      this.loading = false;
    }
  }
}
