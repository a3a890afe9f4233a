import { parseExplore, type Explore } from './explore.js';
import type { DestinationLoads } from './destination-loads.js';
import { policyTypes } from './registry.js';
import { BaseSelectionPolicy } from './selection-policy.js';

/** An unmeasured destination counts with this fraction of the smallest measured weight, so it wins the tie. */
const UNMEASURED_DISCOUNT = 0.999;

/**
 * The `least-impedance` policy (the original's EntryLeastImpedance): always the destination with the
 * smallest weight; among equal weights the one inserted first. With `explore` `unmeasured`, a destination
 * not measured yet counts with a little less than the smallest measured weight (see {@link Explore}).
 */
export class LeastImpedancePolicy extends BaseSelectionPolicy {
  /** `explore` says how destinations not measured yet count; `loads` is the shared in-flight counter. */
  constructor(
    readonly explore: Explore = 'none',
    loads?: DestinationLoads,
  ) {
    super(loads);
  }

  protected choose(): string {
    const smallest = this.explore === 'unmeasured' ? this.smallestMeasuredWeight() : undefined;
    const floor = smallest === undefined ? undefined : smallest * UNMEASURED_DISCOUNT;
    const weight = (destination: string, w: number): number =>
      floor !== undefined && this.unmeasured.has(destination) ? floor : w;
    let best = this.list[0]!;
    let bestWeight = weight(best.destination, best.weight);
    for (const d of this.list) {
      const w = weight(d.destination, d.weight);
      if (w < bestWeight) {
        best = d;
        bestWeight = w;
      }
    }
    return best.destination;
  }
}

/** Registers the `least-impedance` policy (optional key `explore=none|unmeasured`, default none). */
export function setup(): void {
  policyTypes.register('least-impedance', (conf, env) => {
    const explore = parseExplore(conf);
    return () => new LeastImpedancePolicy(explore, env.loads);
  });
}
