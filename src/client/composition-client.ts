import type { Chain } from '../protocol/chain.js';
import type { Dag } from '../protocol/dag.js';
import type { LambdaRequest, LambdaResponse, State } from '../protocol/messages.js';
import { allStates } from '../protocol/state-dependencies.js';
import type { Composition } from './composition-conf.js';
import type { LambdaClient } from './lambda-client.js';

/** The client's latest copy of each application state, by name (replaced by what responses return). */
export type StateCopies = Map<string, State>;

/** Embedded states of the given sizes, each `A` repeated (what the original client creates). */
export function embeddedStates(sizes: ReadonlyMap<string, number>): StateCopies {
  const out: StateCopies = new Map();
  for (const [name, size] of sizes) out.set(name, { name, location: '', content: Buffer.alloc(size, 'A') });
  return out;
}

function pick(states: StateCopies, names: readonly string[]): Record<string, State> {
  const out: [string, State][] = [];
  for (const s of names) {
    const state = states.get(s);
    if (state === undefined) throw new Error(`state '${s}' has no size in 'state-sizes'`);
    out.push([s, state]);
  }
  return Object.fromEntries(out);
}

function allCopies(states: StateCopies): Record<string, State> {
  return Object.fromEntries(states);
}

/**
 * Client-driven chain (spec §11.1): invokes each function in turn through `client`, input = previous
 * output (datain = previous dataout), states = those the function depends on (from `states`, replaced
 * by those returned), a single-function chain, no callback. Stops at the first non-OK response and
 * returns it. The returned response carries every state; with more than one function its responder is
 * empty, loads 0, hops and ptime the sums over the OK calls.
 */
export async function runChainClientDriven(
  client: LambdaClient,
  chain: Chain,
  input: string,
  states: StateCopies,
  dry = false,
  uuid = '',
): Promise<LambdaResponse> {
  let nextInput = input;
  let datain: Buffer = Buffer.alloc(0);
  let hops = 0;
  let ptime = 0;
  let res: LambdaResponse | undefined;
  for (const fn of chain.functions) {
    const request: Partial<LambdaRequest> = {
      name: fn,
      input: nextInput,
      datain,
      hops: 0,
      forward: false,
      uuid,
      states: pick(states, chain.statesOf(fn)),
      ...chain.singleFunctionChain(fn).toRequestFields(),
    };
    res = await client.runLambda(request, dry);
    if (res.retcode !== 'OK') break;
    for (const [name, state] of Object.entries(res.states)) if (states.has(name)) states.set(name, state);
    nextInput = res.output;
    datain = res.dataout;
    hops += res.hops;
    ptime += res.ptime;
  }
  const out = { ...res!, states: allCopies(states) };
  if (chain.functions.length > 1) {
    Object.assign(out, { responder: '', load1: 0, load10: 0, load30: 0, hops, ptime });
  }
  return out;
}

/** The error of a client-driven DAG whose function failed (the original's text). */
export const DAG_FUNCTION_ERROR = 'Error received while executing a function in a DAG';

/**
 * Client-driven DAG (spec §11.2): starts, concurrently, every callable node not yet started, each with
 * the original input, the node's dependent states and a single-function DAG; returned states are not
 * saved and outputs not chained. Resolves with `OK`, output = input, every state, hops and ptime summed.
 * A non-OK response fails with `Error received while executing a function in a DAG` once the calls in
 * flight are over (a transport failure, with that failure).
 */
export async function runDagClientDriven(
  client: LambdaClient,
  dag: Dag,
  input: string,
  states: StateCopies,
  dry = false,
  uuid = '',
): Promise<LambdaResponse> {
  let hops = 0;
  let ptime = 0;
  let failed = false;
  let transportError: Error | undefined;
  const completed = new Set<number>();
  const started = new Set<number>();
  const inFlight = new Map<number, Promise<number>>();
  const call = async (i: number): Promise<number> => {
    const fn = dag.functionNames[i]!;
    let res: LambdaResponse;
    try {
      res = await client.runLambda(
        {
          name: fn,
          input,
          hops: 0,
          forward: false,
          uuid,
          states: pick(states, dag.statesOf(fn)),
          ...dag.singleFunctionDag(fn).toRequestFields(),
        },
        dry,
      );
    } catch (err) {
      transportError ??= err instanceof Error ? err : new Error(String(err));
      failed = true;
      return i;
    }
    if (res.retcode !== 'OK') failed = true;
    hops += res.hops;
    ptime += res.ptime;
    return i;
  };
  while (completed.size < dag.numFunctions() && !failed) {
    for (const i of dag.callable(completed)) {
      if (started.has(i)) continue;
      started.add(i);
      inFlight.set(i, call(i));
    }
    const done = await Promise.race(inFlight.values());
    inFlight.delete(done);
    completed.add(done);
  }
  await Promise.all(inFlight.values());
  if (transportError !== undefined) throw transportError;
  if (failed) throw new Error(DAG_FUNCTION_ERROR);
  return {
    retcode: 'OK',
    output: input,
    responder: '',
    ptime,
    dataout: Buffer.alloc(0),
    load1: 0,
    load10: 0,
    load30: 0,
    hops,
    states: allCopies(states),
    asynchronous: false,
  };
}

/**
 * The one request of a hop-by-hop invocation (spec §11.1, §11.2): name = the entry function, the whole
 * chain or DAG with its dependencies, `nextFunctionIndex` 0, every non-free state, the callback and uuid.
 */
export function hopByHopRequest(
  c: Composition,
  input: string,
  states: StateCopies,
  callback: string,
  uuid: string,
): Partial<LambdaRequest> {
  const deps = c.kind === 'chain' ? c.chain.dependencies : c.dag.dependencies;
  return {
    name: c.kind === 'chain' ? c.chain.entryFunctionName() : c.dag.entryFunctionName(),
    input,
    hops: 0,
    forward: false,
    uuid,
    callback,
    nextFunctionIndex: 0,
    states: pick(states, allStates(deps, false)),
    ...(c.kind === 'chain' ? c.chain.toRequestFields() : c.dag.toRequestFields()),
  };
}

/** Runs one client-driven invocation of a composition (no callback). */
export function runClientDriven(
  client: LambdaClient,
  c: Composition,
  input: string,
  states: StateCopies,
  dry = false,
  uuid = '',
): Promise<LambdaResponse> {
  return c.kind === 'chain'
    ? runChainClientDriven(client, c.chain, input, states, dry, uuid)
    : runDagClientDriven(client, c.dag, input, states, dry, uuid);
}
