import { policyTypes } from './registry.js';
import { BaseSelectionPolicy } from './selection-policy.js';

/**
 * The `least-impedance` policy (the original's EntryLeastImpedance): always the destination with the
 * smallest weight; among equal weights the one inserted first.
 */
export class LeastImpedancePolicy extends BaseSelectionPolicy {
  protected choose(): string {
    let best = this.list[0]!;
    for (const d of this.list) if (d.weight < best.weight) best = d;
    return best.destination;
  }
}

/** Registers the `least-impedance` policy (no keys). */
export function setup(): void {
  policyTypes.register('least-impedance', () => () => new LeastImpedancePolicy());
}
