import { computerList, type ComputerGroup, type Experiment } from './experiment.js';

/** A computer of a lab topology: its name (destination) and kind. */
export interface LabComputer {
  name: string;
  group: ComputerGroup;
}

/** The brokers of a lab topology: the top one's destinations, and each second-tier broker's computers. */
export interface LabTopology {
  computers: LabComputer[];
  /** Second-tier brokers (none in a flat topology), each with the names of its computers. */
  tier: { name: string; computers: string[] }[];
}

/** A name for item `i` of `n` sorting in index order: `<prefix>` and `i` zero-padded to the width of `n − 1`. */
function indexed(prefix: string, i: number, n: number): string {
  return `${prefix}${String(i).padStart(String(n - 1).length, '0')}`;
}

/**
 * The topology of an experiment with names sorting in index order (brokers break ties by name):
 * computers `c0…`, second-tier brokers `b0…`, computer `i` going to broker `i mod tiers` so that every
 * broker gets a mix of the computer kinds.
 */
export function labTopology(e: Experiment): LabTopology {
  const list = computerList(e);
  const computers = list.map((group, i) => ({ name: indexed('c', i, list.length), group }));
  const tier = Array.from({ length: e.secondTier }, (_, b) => ({
    name: indexed('b', b, e.secondTier),
    computers: computers.filter((_, i) => i % e.secondTier === b).map((c) => c.name),
  }));
  return { computers, tier };
}
