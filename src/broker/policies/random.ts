import { randomInt } from 'node:crypto';
import { Random } from '../../support/random.js';
import { parseExplore, type Explore } from './explore.js';
import type { DestinationLoads } from './destination-loads.js';
import { policyTypes } from './registry.js';
import { BaseSelectionPolicy, type Destination } from './selection-policy.js';

/**
 * The `random` policy (the original's EntryRandom): picks a destination with probability proportional
 * to 1/weight. The sum of the inverse weights is kept incrementally in float32; a draw u ∈ [0, Σ 1/w)
 * walks the destinations in insertion order, accumulating 1/w in float32, and returns the first whose
 * running sum reaches u, the last destination being the fallback. With `explore` `unmeasured`, while a
 * destination is not measured yet and another is, the draw is made the same way over weights where the
 * unmeasured ones count with the smallest measured weight (see {@link Explore}).
 */
export class RandomPolicy extends BaseSelectionPolicy {
  private invSum = 0;

  /**
   * `random` draws the numbers (pass a seeded one for reproducible selections); `explore` says how
   * destinations not measured yet count; `loads` is the shared in-flight counter (default: its own).
   */
  constructor(
    private readonly random: Random = new Random(randomInt(0, 2 ** 32)),
    readonly explore: Explore = 'none',
    loads?: DestinationLoads,
  ) {
    super(loads);
  }

  protected choose(): string {
    const list = this.list;
    const last = list[list.length - 1]!;
    if (list.length === 1) return last.destination;
    const floor =
      this.explore === 'unmeasured' && this.unmeasured.size > 0 ? this.smallestMeasuredWeight() : undefined;
    const weight = (d: Destination): number =>
      floor !== undefined && this.unmeasured.has(d.destination) ? floor : d.weight;
    let total = this.invSum;
    if (floor !== undefined) {
      total = 0;
      for (const d of list) total = Math.fround(total + Math.fround(1 / weight(d)));
    }
    const u = this.random.uniform() * total;
    let sum = 0;
    for (let i = 0; i < list.length - 1; i++) {
      const d = list[i]!;
      sum = Math.fround(sum + Math.fround(1 / weight(d)));
      if (u <= sum) return d.destination;
    }
    return last.destination;
  }

  protected override onAdded(added: Destination): void {
    this.invSum = Math.fround(this.invSum + Math.fround(1 / added.weight));
  }

  protected override onWeightChanged(changed: Destination, oldWeight: number): void {
    const delta = Math.fround(Math.fround(1 / changed.weight) - Math.fround(1 / oldWeight));
    this.invSum = Math.fround(this.invSum + delta);
  }

  protected override onRemoved(removed: Destination): void {
    this.invSum = this.list.length === 0 ? 0 : Math.fround(this.invSum - Math.fround(1 / removed.weight));
  }
}

/**
 * Registers the `random` policy (optional key `explore=none|unmeasured`, default none); the lambdas of a
 * table share its random source.
 */
export function setup(): void {
  policyTypes.register('random', (conf, env) => {
    const explore = parseExplore(conf);
    return () => new RandomPolicy(env.random, explore, env.loads);
  });
}
