import type { Dag } from '../../protocol/dag.js';
import type { State } from '../../protocol/messages.js';
import type { StateAccess } from '../../protocol/state/state-client.js';
import { JOIN_ENTRY_PREFIX } from '../../protocol/state/state-store.js';

/**
 * Name of the embedded state that carries, along a DAG run, the endpoint of the StateServer holding its
 * join tokens. Computers that know it (ours) count join arrivals there, so the predecessors of a join
 * node may run anywhere; others (the original) carry it along as any embedded state.
 */
export const JOIN_STATE = 'soe.join';

/**
 * The StateServer state of token `t` of join node `node` in DAG run `uuid` (under `soe.join/`: it expires,
 * see {@link JOIN_ENTRY_PREFIX}).
 */
export function joinTokenName(uuid: string, node: number, t: number): string {
  return `${JOIN_ENTRY_PREFIX}${uuid}/${node}/${t}`;
}

/** The join nodes of a DAG (more than one predecessor) with their number of predecessors. */
export function joinNodes(dag: Dag): [node: number, needed: number][] {
  const out: [number, number][] = [];
  for (let i = 1; i < dag.numFunctions(); i++) {
    const k = dag.predecessorsOf(i).length;
    if (k > 1) out.push([i, k]);
  }
  return out;
}

/**
 * Puts, on the StateServer `access`, k tokens for each join node with k predecessors, and returns the
 * embedded state that points successors there. Fails if a Put is refused.
 */
export async function createJoinTokens(
  access: StateAccess,
  endpoint: string,
  dag: Dag,
  uuid: string,
): Promise<State> {
  const empty = Buffer.alloc(0);
  for (const [node, needed] of joinNodes(dag)) {
    for (let t = 0; t < needed; t++) {
      const res = await access.put(joinTokenName(uuid, node, t), empty);
      if (res.retcode !== 'OK')
        throw new Error(`cannot create the join tokens of node ${node}: ${res.retcode}`);
    }
  }
  return { name: JOIN_STATE, location: '', content: Buffer.from(endpoint) };
}

/**
 * Claims a join token of `node`: Del of tokens 0, 1, … until one succeeds (Del answers OK to one caller
 * only, so tokens are claimed once each and in order of arrival); true for the one claiming token
 * `needed − 1`, i.e. the last predecessor to arrive, wherever it ran. False also for a surplus arrival
 * (no token left).
 */
export async function claimJoinToken(
  access: StateAccess,
  uuid: string,
  node: number,
  needed: number,
): Promise<boolean> {
  for (let t = 0; t < needed; t++) {
    const res = await access.del(joinTokenName(uuid, node, t));
    if (res.retcode === 'OK') return t === needed - 1;
  }
  return false;
}
