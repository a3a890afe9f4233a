import type { ComputerInfo } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { logger } from '../support/logger.js';

const log = logger('registration');

/** How long one announce or remove call may take, ms. */
const CALL_TIMEOUT_MS = 3000;

/**
 * Keeps a computer registered with an edge controller: announces it (retrying every `retryMs` until the
 * controller answers, so start-up order does not matter) and removes it on {@link unregister}.
 */
export class ComputerRegistration {
  private readonly client: RpcClient<'uiiit.rpc.EdgeController'>;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  /** Resolves once the controller has accepted the announcement. */
  readonly announced: Promise<void>;

  constructor(
    readonly controllerEndpoint: string,
    private readonly info: ComputerInfo,
    retryMs = 1000,
  ) {
    this.client = new RpcClient('uiiit.rpc.EdgeController', controllerEndpoint);
    this.announced = new Promise((resolve) => {
      let failures = 0;
      const attempt = (): void => {
        if (this.stopped) return;
        this.client.call('AnnounceComputer', this.info, { timeoutMs: CALL_TIMEOUT_MS }).then(
          () => {
            log.info(`announced ${info.edgeServerEndpoint} to the controller at ${controllerEndpoint}`);
            resolve();
          },
          (err: Error) => {
            if (failures++ === 0)
              log.warn(
                `cannot announce to the controller at ${controllerEndpoint} (${err.message}); retrying`,
              );
            this.retry = setTimeout(attempt, retryMs);
          },
        );
      };
      attempt();
    });
  }

  /** Stops retrying and tells the controller the computer is gone (errors are logged, not thrown). */
  async unregister(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    try {
      await this.client.call('RemoveComputer', this.info, { timeoutMs: CALL_TIMEOUT_MS });
      log.info(`removed ${this.info.edgeServerEndpoint} from the controller at ${this.controllerEndpoint}`);
    } catch (err) {
      log.error(`cannot remove from the controller at ${this.controllerEndpoint}: ${(err as Error).message}`);
    } finally {
      this.client.close();
    }
  }
}
