import type {
  EdgeRouterConf,
  ForwardingTable as TableMessage,
  LambdaRequest,
  LambdaResponse,
  Return,
} from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { errorResponse } from '../protocol/responses.js';
import { logger } from '../support/logger.js';
import { Random } from '../support/random.js';
import { ClientPool, type PoolResult } from './client-pool.js';
import { DestinationTable } from './dispatcher-table.js';
import type { PtimeEstimator } from './estimator.js';
import { createEstimator } from './estimator-registry.js';
import { MAX_HOPS } from './edge-router.js';
import type { RouterConf } from './router-conf.js';
import type { Clock } from './selection-policy.js';

const log = logger('dispatcher');

/** Retcode prefix of a computer that does not (or no longer) serve a lambda. */
const NO_CONTAINER = 'No container for lambda ';

/** How an e-dispatcher is set up. */
export interface EdgeDispatcherOptions {
  /** `--ptimeest-conf`, e.g. `type=rtt,window-size=50,stale-period=10`. */
  ptimeEstConf: string;
  router: RouterConf;
  /** Controller told about failed destinations (RemoveComputer); empty: none. */
  controllerEndpoint?: string;
  /** Seed of the artificial delays and fake times (default: random). */
  random?: Random;
  /** Clock of the estimator (default: monotonic, seconds). */
  clock?: Clock;
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
  private readonly pool: ClientPool;
  private readonly controller: RpcClient<'uiiit.rpc.EdgeController'> | undefined;
  private readonly random: Random;

  constructor(private readonly options: EdgeDispatcherOptions) {
    this.random = options.random ?? Random.fromSeeds(Date.now(), process.pid);
    this.estimator = createEstimator(options.ptimeEstConf, { clock: options.clock });
    const estimator = this.estimator;
    this.table = new DestinationTable({
      added: (lambda, destination) => estimator.added(lambda, destination),
      removed: (lambda, destination) => estimator.removed(lambda, destination),
    });
    this.pool = new ClientPool(options.router.maxPendingClients);
    const controller = options.controllerEndpoint ?? '';
    this.controller = controller === '' ? undefined : new RpcClient('uiiit.rpc.EdgeController', controller);
  }

  /** Serves one request: choose, forward, retry on another destination if this one is gone. */
  async process(req: LambdaRequest): Promise<LambdaResponse> {
    if (req.hops > MAX_HOPS) return errorResponse('loop detected', 0);
    for (;;) {
      let destination: string;
      try {
        destination = await this.estimator.choose(req, this.table.destinations(req.name));
      } catch (err) {
        return errorResponse((err as Error).message, 0);
      }
      await this.delay();
      let result: PoolResult;
      try {
        result = await this.forward(destination, req);
      } catch (err) {
        this.drop(req.name, destination, (err as Error).message);
        continue;
      }
      const { response, seconds } = result;
      if (response.retcode.startsWith(NO_CONTAINER)) {
        this.drop(req.name, destination, response.retcode);
        continue;
      }
      if (response.retcode === 'OK') {
        if (!req.dry) this.estimator.success(req, destination, response, seconds);
        if (response.responder === '') response.responder = destination;
      }
      return response;
    }
  }

  /** Applies a table command (EdgeRouter.Configure); errors come back as `Error: <what>`. */
  configure(conf: EdgeRouterConf): Return {
    try {
      switch (conf.action) {
        case 'FLUSH':
          this.table.flush();
          break;
        case 'CHANGE':
          this.table.change(conf.lambda, conf.destination, conf.weight, conf.final);
          break;
        case 'REMOVE':
          this.table.remove(conf.lambda, conf.destination === '' ? undefined : conf.destination);
          break;
        default:
          throw new Error(`invalid action ${String(conf.action)}`);
      }
      log.debug(1, () => `${conf.action} ${conf.lambda} ${conf.destination}${conf.final ? ' final' : ''}`);
      return { msg: 'OK' };
    } catch (err) {
      return { msg: `Error: ${(err as Error).message}` };
    }
  }

  /** The rows of table `id`: the only table is #0, other ids are empty. */
  tableMessage(id: number): TableMessage {
    return { entries: id === 0 ? this.table.entries() : [] };
  }

  /** Closes the estimator and every connection. */
  close(): void {
    this.estimator.close();
    this.pool.close();
    this.controller?.close();
  }

  private async delay(): Promise<void> {
    const { minForwardTime: min, maxForwardTime: max } = this.options.router;
    if (min === 0 && max === 0) return;
    const seconds = this.random.uniformReal(min, max);
    await new Promise((r) => setTimeout(r, seconds * 1000));
  }

  private async forward(destination: string, req: LambdaRequest): Promise<PoolResult> {
    if (this.options.router.fake) {
      return { response: errorResponse('OK', req.hops + 2), seconds: 0.001 + this.random.uniform() };
    }
    return this.pool.send(destination, { ...req, forward: true, hops: req.hops + 1 });
  }

  /** Removes a failed destination of a lambda and tells the controller. */
  private drop(lambda: string, destination: string, why: string): void {
    if (!this.table.has(lambda, destination)) return;
    this.table.remove(lambda, destination);
    log.warn(`removing destination ${destination} of ${lambda}: ${why}`);
    if (this.controller !== undefined) {
      this.controller
        .call('RemoveComputer', { edgeServerEndpoint: destination, containers: [] }, { timeoutMs: 3000 })
        .catch((err: Error) => {
          log.error(`cannot tell the controller that ${destination} is gone: ${err.message}`);
        });
    }
  }
}
