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
import type { TlsCredentials } from '../../protocol/tls-credentials.js';
import type { Random } from '../../support/random.js';
import { DestinationTable } from './dispatcher-table.js';
import type { DryRun, PtimeEstimator } from '../estimators/estimator.js';
import { createEstimator } from '../estimators/index.js';
import { configure } from '../configure-command.js';
import { Forwarder, type ForwardingPolicy } from '../forwarder.js';
import type { ForwardingLimits } from '../forwarding-limits.js';
import type { RouterConf } from '../router-conf.js';
import type { Clock } from '../policies/selection-policy.js';

const log = logger('dispatcher');

/** How an e-dispatcher is set up. */
export interface EdgeDispatcherOptions {
  /** `--ptimeest-conf`, e.g. `type=rtt,window-size=50,stale-period=10`. */
  ptimeEstConf: string;
  router: RouterConf;
  /** `--forward-timeout` and `--max-queued-requests` (default: DEFAULT_FORWARDING_LIMITS). */
  limits?: Partial<ForwardingLimits>;
  /** Controller told about failed destinations (RemoveComputer); empty: none. */
  controllerEndpoint?: string;
  /** Seed of the artificial delays and fake times (default: random). */
  random?: Random;
  /** Clock of the estimator (default: monotonic, seconds). */
  clock?: Clock;
  /** How the probe estimator sends its dry requests (default: over gRPC; the lab's are simulated). */
  dryRun?: DryRun;
  /** Serve, forward, probe and talk to the controller over TLS with this material (`--secure`); default: in clear. */
  tls?: TlsCredentials | undefined;
  /** Where each forwarding attempt is counted, for telemetry (default: nowhere). */
  traffic?: TrafficStats | undefined;
}

/**
 * The e-dispatcher (spec §4.1): one destination table whose changes feed a processing-time estimator,
 * which picks the destination of each request; successful replies teach it. Otherwise it handles
 * requests as the e-router does: a destination is removed (and reported to the controller) only when it
 * cannot be reached or answers that it has no container for the lambda, other application errors go
 * back to the client unchanged (quirk Q2 fixed), and dry requests are forwarded as dry and teach the
 * estimator nothing (quirk Q1 fixed).
 */
export class EdgeDispatcher {
  /** The destinations of each lambda. */
  readonly table: DestinationTable;
  /** The estimator choosing among them. */
  readonly estimator: PtimeEstimator;
  /** The decisions for every request: the estimator over the table. */
  readonly policy: ForwardingPolicy;
  private readonly forwarder: Forwarder;

  constructor(private readonly options: EdgeDispatcherOptions) {
    this.forwarder = new Forwarder({ ...options, log });
    this.estimator = createEstimator(options.ptimeEstConf, {
      clock: options.clock,
      dryRun: options.dryRun,
      tls: options.tls,
      dryRunTimeoutMs: this.forwarder.limits.forwardTimeoutMs,
    });
    const estimator = this.estimator;
    this.table = new DestinationTable({
      added: (lambda, destination) => estimator.added(lambda, destination),
      removed: (lambda, destination) => estimator.removed(lambda, destination),
    });
    this.policy = {
      choose: (req) => estimator.choose(req, this.table.destinations(req.name)),
      learn: (req, destination, response, seconds) => estimator.success(req, destination, response, seconds),
      has: (lambda, destination) => this.table.has(lambda, destination),
      remove: (lambda, destination) => this.table.remove(lambda, destination),
    };
  }

  /**
   * Serves one request: choose, forward, retry on another destination if this one is gone; `call` (the
   * incoming call) bounds the forwarded calls with its deadline and ends a wait when it aborts.
   */
  process(req: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse> {
    return this.forwarder.process(req, this.policy, call);
  }

  /** Applies a table command (EdgeRouter.Configure); errors come back as `Error: <what>`. */
  configure(conf: EdgeRouterConf): Return {
    return configure(
      {
        flush: () => this.table.flush(),
        change: (c) => this.table.change(c.lambda, c.destination, c.weight, c.final),
        remove: (lambda, destination) => this.table.remove(lambda, destination),
      },
      conf,
      log,
    );
  }

  /** The rows of table `id`: the only table is #0, other ids are empty. */
  tableMessage(id: number): TableMessage {
    return { entries: id === 0 ? this.table.entries() : [] };
  }

  /** Closes the estimator and every connection. */
  close(): void {
    this.estimator.close();
    this.forwarder.close();
  }
}
