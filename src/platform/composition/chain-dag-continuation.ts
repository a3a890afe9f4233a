import { Chain } from '../../protocol/chain.js';
import { Dag } from '../../protocol/dag.js';
import { endpointProblem } from '../../protocol/endpoint-rules.js';
import { lambdaTransport, type LambdaChannel } from '../../protocol/lambda-transport.js';
import type { LambdaRequest, LambdaResponse, State } from '../../protocol/messages.js';
import type { StateAccess } from '../../protocol/state/state-client.js';
import { logger } from '../../support/logger.js';
import {
  isLastFunction,
  sendCallback,
  type CompletedInvocation,
  type Continuation,
  type ContinuationContext,
} from './continuation.js';
import { mergeJoinViews, putJoinView, remoteLocations } from './join-views.js';
import { LocalJoinCounter, type JoinCounterOptions } from './local-join-counter.js';
import { claimJoinToken, createJoinTokens, JOIN_STATE, joinNodes } from './shared-join.js';

const log = logger('computer');

/** Default milliseconds the companion may take to acknowledge a next function. */
export const DEFAULT_COMPANION_TIMEOUT_MS = 10_000;

/** Options of {@link ChainDagContinuation}. */
export interface ChainDagOptions {
  /** Bounds of the local join counters (DAGs whose node 0 ran without a state server). */
  joins?: JoinCounterOptions;
  /** Milliseconds one call to the companion may take (default 10 s). */
  companionTimeoutMs?: number;
}

/**
 * The hop-by-hop continuation of chains and DAGs (spec §11.1, §11.2) on an asynchronous computer: after a
 * non-last function it regenerates the request of the next function (chain) or of every successor (DAG)
 * and sends it to the companion router, expecting an asynchronous ack; the last function (the sink)
 * sends the callback. A DAG join node runs only at the arrival of its last predecessor: counted with
 * tokens on the state server of the computer that ran node 0 (see docs/composition.md), so
 * predecessors may run on different computers, and run with the remote states' locations merged from
 * every predecessor's view; without one, counted locally as the original did.
 * A failed execution calls back at once with its retcode (the original went on with the next function).
 */
export class ChainDagContinuation implements Continuation {
  private readonly local: LocalJoinCounter;
  private readonly channels = new Map<string, LambdaChannel>();
  /** The deletion of the views of the join nodes prepared by {@link prepare}, by prepared request. */
  private readonly viewsDeleted = new WeakMap<LambdaRequest, Promise<void>>();
  private readonly timeoutMs: number;

  constructor(options: ChainDagOptions = {}) {
    this.local = new LocalJoinCounter(options.joins);
    this.timeoutMs = options.companionTimeoutMs ?? DEFAULT_COMPANION_TIMEOUT_MS;
  }

  /** Join counters kept in this process (waiting for more predecessors). */
  get pendingJoins(): number {
    return this.local.size;
  }

  /**
   * Validates the chain or DAG (their errors become the ack's retcode, e.g. `Invalid successor graph`,
   * `Out-of-range function execution requested in a DAG`) and tells whether a DAG join node runs now.
   */
  async admit(req: LambdaRequest, context: ContinuationContext): Promise<boolean> {
    if (req.chain.length > 0) Chain.fromRequest(req);
    const size = req.dag?.names.length ?? 0;
    if (size === 0) return true;
    const dag = Dag.fromRequest(req);
    const node = req.nextFunctionIndex;
    if (node >= size) throw new Error('Out-of-range function execution requested in a DAG');
    const needed = dag.predecessorsOf(node).length;
    if (needed <= 1) return true;
    const join = req.states[JOIN_STATE];
    if (join === undefined) return this.local.arrive(req.uuid, node, needed);
    const fires = await claimJoinToken(stateAccess(join, context), req.uuid, node, needed);
    log.debug(2, () => `join ${node} of ${req.uuid}: ${fires ? 'last predecessor, runs' : 'waits'}`);
    return fires;
  }

  /**
   * A join node counted on a state server (admitted: its last arrival) runs with the remote states'
   * locations merged from its predecessors' views ({@link mergeJoinViews}); other requests as they came.
   */
  async prepare(req: LambdaRequest, context: ContinuationContext): Promise<LambdaRequest> {
    const join = req.states[JOIN_STATE];
    if ((req.dag?.names.length ?? 0) === 0 || join === undefined) return req;
    const node = req.nextFunctionIndex;
    const predecessors = Dag.fromRequest(req).predecessorsOf(node);
    if (predecessors.length <= 1) return req;
    const views = { join: stateAccess(join, context), at: (endpoint: string) => stateAt(endpoint, context) };
    const merged = await mergeJoinViews(views, req.uuid, node, predecessors, req.states);
    const prepared = { ...req, states: merged.states };
    this.viewsDeleted.set(prepared, merged.deleted);
    return prepared;
  }

  async complete(done: CompletedInvocation, context: ContinuationContext): Promise<void> {
    const { request: req, response: res } = done;
    // The join's views, deleted while the node ran, are gone before anything follows.
    await this.viewsDeleted.get(req);
    if (isLastFunction(req) || res.retcode !== 'OK') {
      await sendCallback({ request: req, response: { ...res, states: withoutJoin(res.states) } }, context);
      return;
    }
    if (context.companion === '')
      throw new Error(`no companion end-point to invoke the next function of ${req.name}`);
    const next = await this.nextRequests(req, res, context);
    await Promise.all(next.map((r) => this.invoke(context, r)));
  }

  /** Closes the companion channels. */
  close(): void {
    for (const c of this.channels.values()) c.close();
    this.channels.clear();
  }

  /** The regenerated request(s) after `req` executed with response `res`. */
  private async nextRequests(
    req: LambdaRequest,
    res: LambdaResponse,
    context: ContinuationContext,
  ): Promise<LambdaRequest[]> {
    const base: LambdaRequest = {
      ...req,
      input: res.output,
      datain: res.dataout,
      states: { ...res.states },
      hops: req.hops + 1,
      forward: false,
      dry: false,
    };
    if (req.chain.length > 0) {
      const chain = Chain.fromRequest(req);
      const index = req.nextFunctionIndex + 1;
      return [{ ...base, name: chain.functions[index]!, nextFunctionIndex: index }];
    }
    const dag = Dag.fromRequest(req);
    if (
      req.nextFunctionIndex === 0 &&
      base.states[JOIN_STATE] === undefined &&
      context.states !== undefined &&
      context.stateEndpoint !== '' &&
      joinNodes(dag).length > 0
    ) {
      base.states[JOIN_STATE] = await createJoinTokens(context.states, context.stateEndpoint, dag, req.uuid);
    }
    await this.leaveViews(dag, base, context);
    return dag.successorsOf(req.nextFunctionIndex).map((j) => ({
      ...base,
      name: dag.functionNames[j]!,
      nextFunctionIndex: j,
    }));
  }

  /**
   * Leaves, for each successor that is a join node counted on a state server, this node's view of the
   * remote states' locations there, before the successor's request is sent (so before its arrival is
   * counted): the join's last arrival merges them (see {@link mergeJoinViews}). A view that cannot be
   * left is logged and skipped: the join then runs as in the original, with its last predecessor's
   * locations (at worst failing with `could not find state in ...`).
   */
  private async leaveViews(dag: Dag, next: LambdaRequest, context: ContinuationContext): Promise<void> {
    const join = next.states[JOIN_STATE];
    const locations = remoteLocations(next.states);
    if (join === undefined || locations.size === 0) return;
    const access = stateAccess(join, context);
    const from = next.nextFunctionIndex;
    const joins = dag.successorsOf(from).filter((j) => dag.predecessorsOf(j).length > 1);
    await Promise.all(
      joins.map(async (j) => {
        try {
          await putJoinView(access, next.uuid, j, from, locations);
        } catch (err) {
          log.warn(`DAG ${next.uuid}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
  }

  private async invoke(context: ContinuationContext, req: LambdaRequest): Promise<void> {
    let channel = this.channels.get(context.companion);
    if (channel === undefined) {
      channel = lambdaTransport().connect(context.companion, context.tls);
      this.channels.set(context.companion, channel);
    }
    const ack = await channel.runLambda(req, { timeoutMs: this.timeoutMs });
    if (ack.retcode !== 'OK' || !ack.asynchronous) {
      throw new Error(
        `${req.name} (index ${req.nextFunctionIndex}) refused by ${context.companion}: ${ack.retcode}`,
      );
    }
  }
}

/** The StateServer holding the join tokens: this computer's own, or another's by its endpoint. */
function stateAccess(join: State, context: ContinuationContext): StateAccess {
  const endpoint = join.content.toString();
  const problem = endpointProblem(endpoint);
  if (problem !== undefined) throw new Error(`invalid state '${JOIN_STATE}': end-point ${problem}`);
  return stateAt(endpoint, context);
}

/** The StateServer at `endpoint`: this computer's own, or another's. */
function stateAt(endpoint: string, context: ContinuationContext): StateAccess {
  if (endpoint === context.stateEndpoint && context.states !== undefined) return context.states;
  return context.stateClients.at(endpoint);
}

function withoutJoin(states: Record<string, State>): Record<string, State> {
  if (!(JOIN_STATE in states)) return states;
  return Object.fromEntries(Object.entries(states).filter(([name]) => name !== JOIN_STATE));
}
