import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { errorResponse } from '../protocol/responses.js';
import type { LabApplication } from './experiment.js';
import { labRequest } from './lab-request.js';

/** What the hop-by-hop runs of the virtual engine travel on. */
export interface HopNetwork {
  /** One-way delay of every hop, seconds. */
  delay: number;
  /** Resolves after `seconds` of virtual time. */
  sleep(seconds: number): Promise<void>;
  /**
   * A request arriving at the companion broker (the policy's top broker): resolves, back at the broker,
   * to the reply of the computer it was forwarded to (an ack, see {@link HopByHop.accept}).
   */
  toBroker(req: LambdaRequest): Promise<LambdaResponse>;
  /** Runs a plain synchronous request on a computer; resolves when it completed there. */
  execute(computer: string, req: LambdaRequest): Promise<LambdaResponse>;
}

/** One application run in progress. */
interface Run {
  input: string;
  /** Per node, the predecessors still to finish (the join counter of every node). */
  waiting: number[];
  done: boolean;
  resolve(failure: string | undefined): void;
}

/** The callback address hop-by-hop requests carry in the lab (the client; only its presence matters). */
export const LAB_CALLBACK = 'client';

/**
 * Hop-by-hop runs of an application in the virtual engine, as the real computers run chains and DAGs
 * (docs/composition.md): the client sends node 0 to the broker, which forwards it to a computer; the
 * computer acknowledges at once (the broker's forwarding ends there: it learns from the ack, as a real
 * router does, not from the execution; with `feedback: completion`, a what-if, it ends when the function
 * completed) and runs the function; when it finishes, the computer sends each
 * successor whose predecessors have all finished (a DAG's join: when the last one finished, wherever
 * they ran) to the broker, its companion, which places it; when the sink finishes, its computer calls back
 * the client. Every hop (client → broker, broker → computer, computer → broker, computer → client) takes
 * the network delay. The join counter is the run's own (the real computers keep tokens on a state
 * server; their round trips are not modelled), and only the last predecessor sends the join node (a real
 * one sends it once per predecessor, and every arrival but the last is acknowledged and dropped).
 */
export class HopByHop {
  private readonly runs = new Map<string, Run>();
  private next = 0;

  constructor(
    private readonly app: LabApplication,
    private readonly network: HopNetwork,
  ) {}

  /**
   * Runs the application once with an input of `size` bytes, from the client: resolves at the callback,
   * with undefined if every function returned OK, else with the first failure (a function's retcode, or
   * the broker's or computer's refusal of a forward), after which no further node is sent.
   */
  run(size: number): Promise<string | undefined> {
    const uuid = String(this.next++);
    const waiting = this.app.nodes.map(() => 0);
    for (const list of this.app.successors) for (const j of list) waiting[j]!++;
    return new Promise((resolve) => {
      const run: Run = { input: 'x'.repeat(size), waiting, done: false, resolve };
      this.runs.set(uuid, run);
      this.send(uuid, run, 0);
    });
  }

  /**
   * A hop-by-hop request arriving at `computer`: starts its function there; returns the immediate ack
   * (OK, asynchronous, processing time and loads 0, as a real asynchronous computer answers) and the
   * function's own response once it completed (what a broker learns from with `feedback: completion`).
   */
  accept(computer: string, req: LambdaRequest): { ack: LambdaResponse; completed: Promise<LambdaResponse> } {
    const run = this.runs.get(req.uuid);
    if (run === undefined) {
      const refused = errorResponse(`unknown lab application run '${req.uuid}'`, req.hops + 1);
      return { ack: refused, completed: Promise.resolve(refused) };
    }
    const node = req.nextFunctionIndex;
    const completed = this.network.execute(computer, { ...labRequest(req.name, 0), input: run.input });
    void completed.then((response) => this.finished(req.uuid, run, node, response));
    const ack = errorResponse('OK', req.hops + 1);
    ack.asynchronous = true;
    return { ack, completed };
  }

  /** Sends node `node` of a run to the broker (from the client or from a computer). */
  private send(uuid: string, run: Run, node: number): void {
    const req: LambdaRequest = {
      ...labRequest(this.app.nodes[node]!, 0),
      input: run.input,
      callback: LAB_CALLBACK,
      uuid,
      nextFunctionIndex: node,
    };
    void (async () => {
      await this.network.sleep(this.network.delay);
      const ack = await this.network.toBroker(req);
      if (ack.retcode !== 'OK') this.end(uuid, run, ack.retcode);
    })();
  }

  /** A node's function finished on a computer: its successors that became ready go on, or the sink calls back. */
  private finished(uuid: string, run: Run, node: number, response: LambdaResponse): void {
    if (run.done) return;
    if (response.retcode !== 'OK') {
      void this.callBack(uuid, run, response.retcode);
      return;
    }
    const successors = this.app.successors[node]!;
    if (successors.length === 0) {
      void this.callBack(uuid, run, undefined);
      return;
    }
    for (const j of successors) if (--run.waiting[j]! === 0) this.send(uuid, run, j);
  }

  /** The computer calls back the client (one network delay); nothing of the run goes on meanwhile. */
  private async callBack(uuid: string, run: Run, failure: string | undefined): Promise<void> {
    run.done = true;
    await this.network.sleep(this.network.delay);
    this.runs.delete(uuid);
    run.resolve(failure);
  }

  /** A forward was refused: the run ends at once with that failure. */
  private end(uuid: string, run: Run, failure: string): void {
    if (run.done) return;
    run.done = true;
    this.runs.delete(uuid);
    run.resolve(failure);
  }
}
