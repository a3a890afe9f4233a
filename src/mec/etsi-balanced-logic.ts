import { logger } from '../support/logger.js';
import { balancedAssignment } from './balanced-assignment.js';
import { SerialTasks, type EtsiControllerHooks } from './etsi-controller-hooks.js';
import type { LcmProxyRpcClient } from './lcm-proxy-rpc.js';

const log = logger('controller');

/** Byte-wise string order. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The computers serving a lambda and the one the any-client association points to. */
interface LambdaComputers {
  default: string;
  computers: Set<string>;
}

/** The calls of the proxy's north-bound interface this logic makes. */
export type BalancedProxy = Pick<
  LcmProxyRpcClient,
  'associateAddress' | 'removeAddress' | 'addLambda' | 'delLambda' | 'contexts' | 'table'
>;

/**
 * The etsi-balanced controller logic (spec §9.3), driving an external proxy over gRPC. A lambda's first
 * computer becomes its default (the any-client association); when the default goes, the alphabetically
 * first remaining computer takes over. Every period the active contexts are fetched and, if they or the
 * computers changed since the last optimization, re-balanced with {@link balancedAssignment}. Calls to the
 * proxy run one at a time, in order; a failing one is logged.
 */
export class EtsiBalancedLogic implements EtsiControllerHooks {
  private readonly lambdas = new Map<string, LambdaComputers>();
  private readonly tasks = new SerialTasks((err) => log.error(`etsi-balanced: ${err.message}`));
  private lastInput = '';
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly proxy: BalancedProxy,
    periodMs: number,
  ) {
    void this.tasks.run(async () => {
      if ((await proxy.table()).length > 0)
        log.warn('The edge router association table of the UE app LCM proxy is not empty as expected');
    });
    this.timer = setInterval(() => void this.tasks.run(() => this.optimize()), periodMs);
    this.timer.unref();
  }

  lambdaAdded(lambda: string): void {
    void this.tasks.run(() => this.proxy.addLambda(lambda));
  }

  lambdaRemoved(lambda: string): void {
    void this.tasks.run(() => this.proxy.delLambda(lambda));
  }

  computerAdded(endpoint: string, lambdas: readonly string[]): void {
    for (const lambda of new Set(lambdas)) {
      const known = this.lambdas.get(lambda);
      if (known !== undefined) {
        known.computers.add(endpoint);
        continue;
      }
      this.lambdas.set(lambda, { default: endpoint, computers: new Set([endpoint]) });
      void this.tasks.run(() => this.proxy.associateAddress('', lambda, endpoint));
    }
  }

  computerRemoved(endpoint: string, lambdas: readonly string[]): void {
    for (const lambda of new Set(lambdas)) {
      const known = this.lambdas.get(lambda);
      if (known === undefined || !known.computers.delete(endpoint) || known.default !== endpoint) continue;
      if (known.computers.size === 0) {
        this.lambdas.delete(lambda);
        void this.tasks.run(() => this.proxy.removeAddress('', lambda));
      } else {
        const next = [...known.computers].sort(byteOrder)[0]!;
        known.default = next;
        void this.tasks.run(() => this.proxy.associateAddress('', lambda, next));
      }
    }
  }

  /** The computers of each lambda, sorted, as the balancing takes them. */
  computersOf(): Map<string, string[]> {
    return new Map([...this.lambdas].map(([l, d]) => [l, [...d.computers].sort(byteOrder)]));
  }

  /** One optimization cycle: re-balance if the contexts or the computers changed. */
  async optimize(): Promise<void> {
    const contexts = await this.proxy.contexts();
    const computers = this.computersOf();
    const input = JSON.stringify([contexts, [...computers]]);
    if (input === this.lastInput) {
      log.debug(1, 'Received same table of active contexts as before: ignored');
      return;
    }
    this.lastInput = input;
    log.info(
      'Received a table of active contexts different from the last one: performing a new optimization cycle',
    );
    const { assignments, unserved } = balancedAssignment(contexts, computers);
    for (const a of assignments) await this.proxy.associateAddress(a.client, a.lambda, a.computer);
    if (unserved.length > 0)
      log.warn(`there is no computer serving the following lambdas: ${unserved.join(',')}`);
  }

  /** Resolves once every call queued so far has been made. */
  idle(): Promise<void> {
    return this.tasks.idle();
  }

  /** Stops the periodic optimization and waits for the calls in progress. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.tasks.idle();
  }
}
