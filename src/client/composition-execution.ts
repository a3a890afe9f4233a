import { StateClient } from '../protocol/state/state-client.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { embeddedStates, hopByHopRequest, runClientDriven, type StateCopies } from './composition-client.js';
import { compositionName, type Composition } from './composition-conf.js';
import type { LoadClientOptions } from './load-client.js';

/** Where a composition's states and callbacks go. */
export interface CompositionEndpoints {
  /** The client's CallbackServer: hop-by-hop mode; '' for the client-driven mode. */
  callback: string;
  /** The StateServer holding the initial states (remote states); '' for embedded states. */
  stateEndpoint: string;
  tls?: TlsCredentials | undefined;
}

/**
 * Initial states as the original client makes them (`A` repeated to each size): embedded, or put on the
 * StateServer at `stateEndpoint` and referenced by location.
 */
export async function initialStates(
  sizes: ReadonlyMap<string, number>,
  stateEndpoint: string,
  tls?: TlsCredentials,
): Promise<StateCopies> {
  if (stateEndpoint === '') return embeddedStates(sizes);
  const client = new StateClient(stateEndpoint, { tls });
  try {
    const out: StateCopies = new Map();
    for (const [name, size] of sizes) {
      const res = await client.put(name, Buffer.alloc(size, 'A'));
      if (res.retcode !== 'OK')
        throw new Error(`cannot put state '${name}' on ${stateEndpoint}: ${res.retcode}`);
      out.set(name, { name, location: stateEndpoint, content: Buffer.alloc(0) });
    }
    return out;
  } finally {
    client.close();
  }
}

/**
 * One invocation of a chain or DAG for the load client (spec §11.1, §11.2): client-driven without a
 * callback, else one hop-by-hop request whose response is the callback (the load client's callback
 * client waits for it). Each client (thread) keeps its own copies of the states, replaced by those
 * responses return.
 */
export function compositionExecution(
  c: Composition,
  where: CompositionEndpoints,
): NonNullable<LoadClientOptions['execute']> {
  const copies = new WeakMap<object, StateCopies>();
  return {
    name: compositionName(c),
    async run(client, input, uuid, dry) {
      let states = copies.get(client);
      if (states === undefined) {
        states = await initialStates(c.stateSizes, where.stateEndpoint, where.tls);
        copies.set(client, states);
      }
      if (where.callback === '') return runClientDriven(client, c, input, states, dry, uuid);
      const res = await client.runLambda(hopByHopRequest(c, input, states, where.callback, uuid), dry);
      if (res.retcode === 'OK') {
        for (const [name, state] of Object.entries(res.states)) if (states.has(name)) states.set(name, state);
      }
      return res;
    },
  };
}
