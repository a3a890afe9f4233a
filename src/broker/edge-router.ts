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
import { ForwardingTable } from './forwarding-table.js';
import { createOptimizer } from './optimizer-registry.js';
import type { RouterConf } from './router-conf.js';
import type { WeightOptimizer } from './weight-optimizer.js';

const log = logger('router');

/** Requests that went through more hops than this are answered `loop detected`. */
export const MAX_HOPS = 254;

/** Retcode prefix of a computer that does not (or no longer) serve a lambda. */
const NO_CONTAINER = 'No container for lambda ';

/** How an e-router is set up. */
export interface EdgeRouterOptions {
  /** `--table-conf`, e.g. `type=random`. */
  tableConf: string;
  /** `--optimizer-conf`, e.g. `type=trivial,period=10,stat=mean`. */
  optimizerConf: string;
  router: RouterConf;
  /** Controller told about failed destinations (RemoveComputer); empty: none. */
  controllerEndpoint?: string;
  /** Seed of the artificial delays and fake times (default: random). */
  random?: Random;
}

/**
 * The e-router (spec §3.3): two forwarding tables — #0 overall, used for requests from clients, and
 * #1 final (computers only), used for requests forwarded by another broker — each with its weight
 * optimizer, and a client pool towards the destinations. A destination is removed from both tables (and
 * reported to the controller) only when it cannot be reached or answers that it has no container for the
 * lambda; other application errors go back to the client unchanged (quirk Q2 fixed). Dry requests are
 * forwarded as dry, and their replies do not feed the optimizers (quirk Q1 fixed).
 */
export class EdgeRouter {
  /** Table #0 (overall) and #1 (final). */
  readonly tables: readonly [ForwardingTable, ForwardingTable];
  private readonly optimizers: readonly [WeightOptimizer, WeightOptimizer];
  private readonly pool: ClientPool;
  private readonly controller: RpcClient<'uiiit.rpc.EdgeController'> | undefined;
  private readonly random: Random;

  constructor(private readonly options: EdgeRouterOptions) {
    this.random = options.random ?? Random.fromSeeds(Date.now(), process.pid);
    const policyEnv = { random: this.random };
    this.tables = [
      new ForwardingTable(options.tableConf, policyEnv),
      new ForwardingTable(options.tableConf, policyEnv),
    ];
    this.optimizers = [
      createOptimizer(options.optimizerConf, this.tables[0]),
      createOptimizer(options.optimizerConf, this.tables[1]),
    ];
    this.pool = new ClientPool(options.router.maxPendingClients);
    const controller = options.controllerEndpoint ?? '';
    this.controller = controller === '' ? undefined : new RpcClient('uiiit.rpc.EdgeController', controller);
  }

  /** Serves one request: select, forward, retry on another destination if this one is gone. */
  async process(req: LambdaRequest): Promise<LambdaResponse> {
    if (req.hops > MAX_HOPS) return errorResponse('loop detected', 0);
    const which = req.forward ? 1 : 0;
    const table = this.tables[which];
    for (;;) {
      let destination: string;
      try {
        destination = table.select(req.name);
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
        if (!req.dry) this.optimizers[which].onSample(req.name, destination, seconds);
        if (response.responder === '') response.responder = destination;
      }
      return response;
    }
  }

  /** Applies a forwarding-table command (EdgeRouter.Configure); errors come back as `Error: <what>`. */
  configure(conf: EdgeRouterConf): Return {
    try {
      switch (conf.action) {
        case 'FLUSH':
          for (const t of this.tables) t.flush();
          break;
        case 'CHANGE':
          this.tables[0].change(conf.lambda, conf.destination, conf.weight, conf.final);
          if (conf.final) this.tables[1].change(conf.lambda, conf.destination, conf.weight, conf.final);
          break;
        case 'REMOVE':
          for (const t of this.tables)
            t.remove(conf.lambda, conf.destination === '' ? undefined : conf.destination);
          break;
        default:
          throw new Error(`invalid action ${String(conf.action)}`);
      }
      log.debug(
        1,
        () => `${conf.action} ${conf.lambda} ${conf.destination} ${conf.weight}${conf.final ? ' final' : ''}`,
      );
      return { msg: 'OK' };
    } catch (err) {
      return { msg: `Error: ${(err as Error).message}` };
    }
  }

  /** The rows of table `id` (none if out of range), sorted by lambda then destination. */
  table(id: number): TableMessage {
    const t = this.tables[id as 0 | 1] as ForwardingTable | undefined;
    return { entries: t ? t.entries() : [] };
  }

  /** Stops the optimizers and closes every connection. */
  close(): void {
    for (const o of this.optimizers) o.stop();
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
      return { response: { ...errorResponse('OK', req.hops + 2) }, seconds: 0.001 + this.random.uniform() };
    }
    return this.pool.send(destination, { ...req, forward: true, hops: req.hops + 1 });
  }

  /** Removes a failed destination of a lambda from both tables and tells the controller. */
  private drop(lambda: string, destination: string, why: string): void {
    const known = this.tables.some((t) => t.has(lambda, destination));
    for (const t of this.tables) t.remove(lambda, destination);
    if (!known) return;
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
