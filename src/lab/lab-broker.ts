import { DestinationTable } from '../broker/dispatcher-table.js';
import type { DryRun } from '../broker/estimator.js';
import { createEstimator } from '../broker/estimator-registry.js';
import { ForwardingTable } from '../broker/forwarding-table.js';
import { createOptimizer } from '../broker/optimizer-registry.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import type { Random } from '../support/random.js';
import type { Scheduler } from '../support/scheduler.js';
import type { BrokerConf } from './experiment.js';

/**
 * The decision half of a broker, as the e-router and the e-dispatcher put it together from their
 * plug-ins (the same ForwardingTable + selection policy + weight optimizer, or destination table +
 * estimator), without the gRPC forwarding: the lab's virtual-time engine forwards itself.
 */
export interface LabBroker {
  /** The destination of a request. */
  choose(req: LambdaRequest): Promise<string> | string;
  /** A non-dry request forwarded to `destination` got an OK reply after `seconds`. */
  learn(req: LambdaRequest, destination: string, response: LambdaResponse, seconds: number): void;
  /** Stops timers and releases resources. */
  close(): void;
}

/** What a lab broker runs on. */
export interface LabBrokerEnvironment {
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
 * Builds a broker of a policy with its destinations (lambda `lambda`, in the given order, weight 1 as
 * the controller installs them; `final` false for destinations that are brokers): an e-router's two
 * tables with their optimizers (table #1, final, for requests forwarded by another broker) or an
 * e-dispatcher's table and estimator.
 */
export function createLabBroker(
  conf: BrokerConf,
  lambda: string,
  destinations: readonly { name: string; final: boolean }[],
  env: LabBrokerEnvironment,
): LabBroker {
  const clock = (): number => env.scheduler.now();
  if (conf.kind === 'router') {
    const tables = [0, 1].map(() => new ForwardingTable(conf.tableConf, { clock, random: env.random }));
    const optimizers = tables.map((t) =>
      createOptimizer(conf.optimizerConf, t, { scheduler: env.scheduler }),
    );
    for (const d of destinations) {
      tables[0]!.change(lambda, d.name, 1, d.final);
      if (d.final) tables[1]!.change(lambda, d.name, 1, d.final);
    }
    const which = (req: LambdaRequest): number => (req.forward ? 1 : 0);
    return {
      choose: (req) => tables[which(req)]!.select(req.name),
      learn: (req, destination, _response, seconds) =>
        optimizers[which(req)]!.onSample(req.name, destination, seconds),
      close: () => {
        for (const o of optimizers) o.stop();
      },
    };
  }
  const estimator = createEstimator(withoutOutput(conf.ptimeEstConf), { clock, dryRun: env.dryRun });
  const table = new DestinationTable({
    added: (l, d) => estimator.added(l, d),
    removed: (l, d) => estimator.removed(l, d),
  });
  for (const d of destinations) table.change(lambda, d.name, 1, d.final);
  return {
    choose: (req) => estimator.choose(req, table.destinations(req.name)),
    learn: (req, destination, response, seconds) => estimator.success(req, destination, response, seconds),
    close: () => estimator.close(),
  };
}
