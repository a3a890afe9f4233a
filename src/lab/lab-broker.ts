import { EdgeDispatcher } from '../broker/dispatcher/dispatcher.js';
import { EdgeRouter } from '../broker/router/edge-router.js';
import type { DryRun } from '../broker/estimators/estimator.js';
import type { ForwardingPolicy } from '../broker/forwarder.js';
import type { RouterConf } from '../broker/router-conf.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import type { Random } from '../support/random.js';
import type { Scheduler } from '../support/scheduler.js';
import type { BrokerConf } from './experiment.js';

/**
 * The decision half of a broker: the policy of a real e-router or e-dispatcher (its tables, selection
 * policies, optimizers or estimator), without the gRPC forwarding: the lab's virtual-time engine forwards
 * itself.
 */
export interface LabBroker {
  /** The destination of a request. */
  choose(req: LambdaRequest): Promise<string> | string;
  /** A non-dry request forwarded to `destination` got an OK reply after `seconds`. */
  learn(req: LambdaRequest, destination: string, response: LambdaResponse, seconds: number): void;
  /** The forwarding of a request to `destination` is over, whatever its outcome; after `learn`. */
  settled(req: LambdaRequest, destination: string): void;
  /** Stops timers and releases resources. */
  close(): void;
}

/** What a lab broker runs on. */
export interface LabBrokerEnvironment {
  /** The experiment's `router-conf` (every broker's). */
  router: RouterConf;
  scheduler: Scheduler;
  random: Random;
  /** Dry runs of the probe estimator. */
  dryRun: DryRun;
}

/** A conf with its measurement file (`output=`) sent to /dev/null: the lab keeps none. */
export function withoutOutput(conf: string): string {
  return conf.replace(/(^|,)(\s*)output=[^,]*/, '$1$2output=/dev/null');
}

/**
 * Builds a broker of a policy with its destinations (for each of `lambdas`, in the given order, weight 1 as
 * the controller installs them; `final` false for destinations that are brokers): the decision half of a
 * real e-router (its two tables and optimizers, configured as the controller would) or of a real
 * e-dispatcher (its table and estimator), on the lab's scheduler.
 */
export function createLabBroker(
  conf: BrokerConf,
  lambdas: readonly string[],
  destinations: readonly { name: string; final: boolean }[],
  env: LabBrokerEnvironment,
): LabBroker {
  const common = { router: env.router, random: env.random };
  const broker =
    conf.kind === 'router'
      ? new EdgeRouter({
          ...common,
          tableConf: conf.tableConf,
          optimizerConf: conf.optimizerConf,
          scheduler: env.scheduler,
        })
      : new EdgeDispatcher({
          ...common,
          ptimeEstConf: withoutOutput(conf.ptimeEstConf),
          clock: () => env.scheduler.now(),
          dryRun: env.dryRun,
        });
  for (const lambda of lambdas) {
    for (const d of destinations) {
      const reply = broker.configure({
        action: 'CHANGE',
        lambda,
        destination: d.name,
        weight: 1,
        final: d.final,
      });
      if (reply.msg !== 'OK') throw new Error(`Cannot add ${d.name} to a lab broker: ${reply.msg}`);
    }
  }
  const policyFor = (req: LambdaRequest): ForwardingPolicy =>
    broker instanceof EdgeRouter ? broker.policyFor(req) : broker.policy;
  return {
    choose: (req) => policyFor(req).choose(req),
    learn: (req, destination, response, seconds) => policyFor(req).learn(req, destination, response, seconds),
    settled: (req, destination) => policyFor(req).settled?.(req, destination),
    close: () => broker.close(),
  };
}
