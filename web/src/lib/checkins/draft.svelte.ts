import { ANSWER_OPTIONS, DIFFICULTY_OPTIONS, type Instrument } from '@tandem/shared';
import { KeptRecord } from '$lib/collab/kept-record.ts';
import { deviceStash, type DeviceStash } from '$lib/collab/stash.ts';

/**
 * How long half-answered check-ins are kept. The questions ask about the
 * last two weeks, so answers from earlier the same day still hold; a day
 * later the patient starts afresh.
 */
export const DRAFT_HOURS = 24;

export type DraftAnswers = { answers: (number | null)[]; difficulty: number | null };

const valid = (v: unknown, options: readonly unknown[]) =>
  v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < options.length);

/** The stored answers, if they are a draft of a form with `items` questions. */
function parse(bytes: Uint8Array, items: number): DraftAnswers | null {
  try {
    const draft = JSON.parse(new TextDecoder().decode(bytes)) as DraftAnswers;
    if (!Array.isArray(draft.answers) || draft.answers.length !== items) return null;
    if (!draft.answers.every((a) => valid(a, ANSWER_OPTIONS))) return null;
    return valid(draft.difficulty, DIFFICULTY_OPTIONS) ? draft : null;
  } catch {
    return null;
  }
}

/**
 * A half-answered check-in kept on the device, sealed like unsaved plan
 * edits (lib/collab/stash.ts), so that a phone dropping the page in the
 * background, a closed tab or a patient who steps away loses no answer. One
 * per plan and form; deleted once sent.
 */
export class CheckInDraft {
  /** The device holds the answers as they are now. */
  kept = $state(false);
  #value: DraftAnswers | null = null;
  readonly #doc: string;
  readonly #stash: Promise<DeviceStash | null>;
  readonly #record: KeptRecord;

  constructor(
    userId: string,
    planId: string,
    instrument: Instrument,
    private readonly items: number,
  ) {
    this.#doc = `check-in:${planId}:${instrument}`;
    this.#stash = deviceStash(userId);
    this.#record = new KeptRecord(
      this.#doc,
      0,
      this.#stash,
      () => this.#value && new TextEncoder().encode(JSON.stringify(this.#value)),
      () => (this.kept = this.#record.kept),
    );
  }

  /** Answers kept from an earlier visit, and when; older than DRAFT_HOURS they are deleted. */
  async earlier(): Promise<{ draft: DraftAnswers; savedAt: number } | null> {
    const stash = await this.#stash;
    const [kept] = stash ? await stash.kept(this.#doc) : [];
    if (!kept) return null;
    const draft = parse(kept.update, this.items);
    if (draft && Date.now() - kept.savedAt < DRAFT_HOURS * 3_600_000) {
      return { draft, savedAt: kept.savedAt };
    }
    await stash!.drop(this.#doc, kept.tab);
    return null;
  }

  /** The answers now; null when there is nothing to keep (none given, or sent). */
  save(value: DraftAnswers | null): void {
    this.#value = value;
    this.#record.changed();
    this.kept = this.#record.kept;
  }
}
