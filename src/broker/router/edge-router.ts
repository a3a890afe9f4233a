import type { LambdaCall } from '../../protocol/lambda-transports.js';
import type {
  EdgeRouterConf,
  ForwardingTable as TableMessage,
  LambdaRequest,
  LambdaResponse,
  Return,
} from '../../protocol/messages.js';
import type { TrafficStats } from '../../telemetry/traffic-stats.js';
import { logger } from '../../support/logger.js';
import type { Random } from '../../support/random.js';
import type { TlsCredentials } from '../../protocol/tls-credentials.js';
import type { Scheduler } from '../../support/scheduler.js';
import { ForwardingTable } from './forwarding-table.js';
import { configure } from '../configure-command.js';
import { Forwarder, type ForwardingPolicy } from '../forwarder.js';
import type { ForwardingLimits } from '../forwarding-limits.js';
import { createOptimizer } from '../optimizers/index.js';
import { DestinationLoads } from '../policies/index.js';
import type { RouterConf } from '../router-conf.js';
import type { WeightOptimizer } from '../optimizers/weight-optimizer.js';

export { MAX_HOPS } from '../forwarder.js';

const log = logger('router');

/** How an e-router is set up. */
export interface EdgeRouterOptions {
  /** `--table-conf`, e.g. `type=random`. */
  tableConf: string;
  /** `--optimizer-conf`, e.g. `type=trivial,period=10,stat=mean`. */
  optimizerConf: string;
  router: RouterConf;
  /** `--forward-timeout` and `--max-queued-requests` (default: DEFAULT_FORWARDING_LIMITS). */
  limits?: Partial<ForwardingLimits>;
  /** Controller told about failed destinations (RemoveComputer); empty: none. */
  controllerEndpoint?: string;
  /** Seed of the selections, artificial delays and fake times (default: random). */
  random?: Random;
  /** Time and timers of the selection policies and optimizers (default: the wall clock; the lab's is simulated). */
  scheduler?: Scheduler;
  /** Serve, forward and talk to the controller over TLS with this material (`--secure`); default: in clear. */
  tls?: TlsCredentials | undefined;
  /** Where each forwarding attempt is counted, for telemetry (default: nowhere). */
  traffic?: TrafficStats | undefined;
}

/**
 * The e-router (spec §3.3): two forwarding tables — #0 overall, used for requests from clients, and
 * #1 final (computers only), used for requests forwarded by another broker — each with its weight
 * optimizer; the {@link Forwarder} does the forwarding, retries and removals. A destination that fails
 * is removed from both tables. The selection policies of every lambda of both tables share one count of
 * requests in flight per destination ({@link DestinationLoads}): a computer's processor is shared by the
 * calls of all its functions, whichever table sent them.
 */
export class EdgeRouter {
  /** Table #0 (overall) and #1 (final). */
  readonly tables: readonly [ForwardingTable, ForwardingTable];
  private readonly optimizers: readonly [WeightOptimizer, WeightOptimizer];
  private readonly forwarder: Forwarder;
  private readonly policies: readonly [ForwardingPolicy, ForwardingPolicy];

  constructor(options: EdgeRouterOptions) {
    this.forwarder = new Forwarder({ ...options, log });
    const scheduler = options.scheduler;
    const loads = new DestinationLoads();
    const policyEnv = {
      random: this.forwarder.random,
      loads,
      ...(scheduler !== undefined ? { clock: () => scheduler.now() } : {}),
    };
    this.tables = [
      new ForwardingTable(options.tableConf, policyEnv),
      new ForwardingTable(options.tableConf, policyEnv),
    ];
    const optimizerOptions = scheduler !== undefined ? { scheduler } : {};
    this.optimizers = [
      createOptimizer(options.optimizerConf, this.tables[0], optimizerOptions),
      createOptimizer(options.optimizerConf, this.tables[1], optimizerOptions),
    ];
    const policy = (which: 0 | 1): ForwardingPolicy => {
      const table = this.tables[which];
      /**
       * The requests in flight at the destination of each request in flight (of every lambda and both
       * tables, itself included) when it left.
       */
      const departures = new Map<LambdaRequest, number>();
      return {
        choose: (req) => {
          const destination = table.select(req.name);
          departures.set(req, loads.inFlight(destination));
          return destination;
        },
        learn: (req, destination, _response, seconds) => {
          const now = loads.inFlight(destination);
          const concurrency = ((departures.get(req) ?? now) + now) / 2;
          this.optimizers[which].onSample(req.name, destination, seconds, concurrency);
        },
        settled: (req, destination) => {
          departures.delete(req);
          table.finished(req.name, destination);
        },
        has: (lambda, destination) => this.tables.some((t) => t.has(lambda, destination)),
        remove: (lambda, destination) => {
          for (const t of this.tables) t.remove(lambda, destination);
        },
      };
    };
    this.policies = [policy(0), policy(1)];
  }

  /**
   * Serves one request from table #1 if it was forwarded by a broker, else from table #0; `call` (the
   * incoming call) bounds the forwarded calls with its deadline and ends a wait when it aborts.
   */
  process(req: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse> {
    return this.forwarder.process(req, this.policyFor(req), call);
  }

  /** The decisions for a request: table #1 and its optimizer if it was forwarded by a broker, else #0's. */
  policyFor(req: LambdaRequest): ForwardingPolicy {
    return this.policies[req.forward ? 1 : 0];
  }

  /** Applies a forwarding-table command: CHANGE goes to table #0, and to #1 too if final. */
  configure(conf: EdgeRouterConf): Return {
    return configure(
      {
        flush: () => {
          for (const t of this.tables) t.flush();
        },
        change: (c) => {
          this.tables[0].change(c.lambda, c.destination, c.weight, c.final);
          if (c.final) this.tables[1].change(c.lambda, c.destination, c.weight, c.final);
        },
        remove: (lambda, destination) => {
          for (const t of this.tables) t.remove(lambda, destination);
        },
      },
      conf,
      log,
    );
  }

  /** The rows of table `id` (none if out of range), sorted by lambda then destination. */
  table(id: number): TableMessage {
    const t = this.tables[id as 0 | 1] as ForwardingTable | undefined;
    return { entries: t ? t.entries() : [] };
  }

  /** Stops the optimizers and closes every connection. */
  close(): void {
    for (const o of this.optimizers) o.stop();
    this.forwarder.close();
  }
}
