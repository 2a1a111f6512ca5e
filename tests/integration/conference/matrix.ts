import type { Fixtures, Target } from '../auth/route-fixtures.ts';
import { buildActionItem, buildConference } from './factories.ts';

/**
 * Path parameters for the conference routes of the authorization matrix:
 * a conference of the target team with the team's demo plan as its one
 * case (its patient invited). Shared ones are made once per target;
 * `fresh…` ones once per cell, for calls that change them.
 */
const shared = new WeakMap<Fixtures, Map<string, Promise<Record<string, string>>>>();
const owners = new WeakMap<Fixtures, string>();

function once(fx: Fixtures, key: string, make: () => Promise<Record<string, string>>) {
  let byKey = shared.get(fx);
  if (!byKey) shared.set(fx, (byKey = new Map()));
  let v = byKey.get(key);
  if (!v) byKey.set(key, (v = make()));
  return v;
}

const build = (fx: Fixtures, t: Target, status: 'scheduled' | 'live') =>
  buildConference(fx.server.tandem.ctx, { teamId: fx.teamId(t), planId: fx.planId(t), status });

export const conferenceParams = {
  scheduled: (fx: Fixtures, t: Target) =>
    once(fx, `scheduled:${t}`, () => build(fx, t, 'scheduled')),
  live: (fx: Fixtures, t: Target) => once(fx, `live:${t}`, () => build(fx, t, 'live')),
  freshScheduled: (fx: Fixtures, t: Target) => build(fx, t, 'scheduled'),
  freshLive: (fx: Fixtures, t: Target) => build(fx, t, 'live'),
  /** The live conference, remembering the North prescriber as an action item's owner. */
  async liveWithOwner(fx: Fixtures, t: Target) {
    owners.set(fx, (await fx.as('prescriber')).user.id);
    return conferenceParams.live(fx, t);
  },
  async actionItem(fx: Fixtures, t: Target) {
    const itemId = await buildActionItem(fx.server.tandem.ctx, {
      teamId: fx.teamId(t),
      planId: fx.planId(t),
    });
    return { itemId };
  },
};

export const actionItemBody = (fx: Fixtures) => ({
  text: 'Matrix action item',
  ownerId: owners.get(fx)!,
  dueDate: '2030-01-01',
});
