import type { CheckIn, Instrument } from '@tandem/shared';
import { errorText } from '$lib/lifecycle/format.ts';
import { checkInsApi } from './api.ts';

const newestFirst = (a: CheckIn, b: CheckIn) => b.submittedAt.localeCompare(a.submittedAt);

/**
 * A plan's check-ins in this tab, newest first. The plan's lifecycle loads it
 * once it has joined the plan's room and feeds it `checkin:updated`, so nothing
 * sent between the two is missed.
 */
export class CheckInLog {
  items = $state<CheckIn[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Arrived live while a load was on its way: the load's answer may predate them. */
  #arrived: CheckIn[] | null = null;

  constructor(readonly planId: string) {}

  async load(): Promise<void> {
    this.#arrived = [];
    try {
      const { items } = await checkInsApi.list(this.planId);
      const arrived = this.#arrived ?? [];
      this.items = items.slice().sort(newestFirst);
      for (const c of arrived) this.upsert(c);
      this.loaded = true;
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.#arrived = null;
    }
  }

  /** Adds or replaces a check-in (the sender's own arrives both in the response and live). */
  upsert(c: CheckIn): void {
    if (c.planId !== this.planId) return;
    this.#arrived?.push(c);
    const known = this.items.find((x) => x.id === c.id);
    // A copy without the note (as the patient's room hears it) never hides a note already read.
    const next =
      known?.followUp?.note && c.followUp && c.followUp.note === null
        ? { ...c, followUp: { ...c.followUp, note: known.followUp.note } }
        : c;
    this.items = known
      ? this.items.map((x) => (x.id === c.id ? next : x))
      : [next, ...this.items].sort(newestFirst);
  }

  /** One form's check-ins, oldest first: a series over time. */
  series(instrument: Instrument): CheckIn[] {
    return this.items.filter((c) => c.instrument === instrument).reverse();
  }

  latest(instrument: Instrument): CheckIn | undefined {
    return this.items.find((c) => c.instrument === instrument);
  }

  /** Safety answers no clinician has followed up yet, oldest first. */
  get awaitingFollowUp(): CheckIn[] {
    return this.items.filter((c) => c.safety && !c.followUp).reverse();
  }
}
