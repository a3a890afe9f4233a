import { logger } from '../support/logger.js';
import type { NodeTopology } from './node-topology.js';

const log = logger('controller');

/** What the hierarchical installer minimises when it chooses a computer's home router (`--hier-objective`). */
export type HierObjective = 'min-max' | 'min-avg';

/** Parses `--hier-objective`: `min-max` or `min-avg`. */
export function parseHierObjective(value: string): HierObjective {
  if (value === 'min-max' || value === 'min-avg') return value;
  throw new Error(`Invalid hierarchical controller objective: ${value}`);
}

/** Byte-wise string order, as `std::map<std::string, …>` sorts its keys. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The home router address of a computer at `computer` among the router addresses (spec §6.4): with
 * N the number of topology nodes and Ω = 1 + 2N², each router address a scores
 * `maxCost(a) = d(a, computer) + max_b d(a, b)` and `avgCost(a) = N·d(a, computer) + Σ_b d(a, b)`
 * over the router addresses b; `min-max` minimises Ω·maxCost + avgCost, `min-avg` maxCost + Ω·avgCost.
 * Ties go to the first address in byte order. Unknown addresses are an `InvalidNodeError`; no router
 * address gives `undefined`.
 */
export function homeRouterAddress(
  topology: NodeTopology,
  objective: HierObjective,
  routerAddresses: Iterable<string>,
  computer: string,
): string | undefined {
  const addresses = [...new Set(routerAddresses)].sort(byteOrder);
  const n = topology.numNodes;
  const omega = 1 + 2 * n * n;
  let best: { address: string; score: number } | undefined;
  for (const a of addresses) {
    let max = -Number.MAX_VALUE;
    let sum = 0;
    for (const b of addresses) {
      const d = topology.distance(a, b);
      max = Math.max(max, d);
      sum += d;
    }
    const toComputer = topology.distance(a, computer);
    const maxCost = toComputer + max;
    const avgCost = n * toComputer + sum;
    const score = objective === 'min-max' ? omega * maxCost + avgCost : maxCost + omega * avgCost;
    log.debug(
      2,
      () => `scoring ${computer} ${a} ${score} (= omega ${omega}, min-max ${maxCost}, min-avg ${avgCost})`,
    );
    if (best === undefined || score < best.score) best = { address: a, score };
  }
  return best?.address;
}
