import type { ComputerInfo, RouterInfo } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { unreachableReason } from '../protocol/unreachable.js';
import { logger } from '../support/logger.js';

const log = logger('registration');

/** How long one announce or remove call may take, ms. */
const CALL_TIMEOUT_MS = 3000;

/** How a {@link ControllerRegistration} calls the controller. */
export interface RegistrationOptions {
  /** Between two announce attempts, ms (default 1000). */
  retryMs?: number;
  /** Call over TLS with this material (`--secure`); default: in clear. */
  tls?: TlsCredentials | undefined;
}

/** What registers with a controller: a computer (removable; a management end-point only for js ones) or a router/dispatcher. */
export type Registrant =
  | { computer: Omit<ComputerInfo, 'managementEndpoint'> & Partial<Pick<ComputerInfo, 'managementEndpoint'>> }
  | { router: RouterInfo };

/**
 * Keeps a component registered with an edge controller: announces it (retrying every `retryMs` until the
 * controller answers, so start-up order does not matter) and, for a computer, removes it on
 * {@link unregister}. Over TLS when `options.tls` is given.
 */
export class ControllerRegistration {
  private readonly client: RpcClient<'uiiit.rpc.EdgeController'>;
  private readonly retryMs: number;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  /** The registrant's version, bumped by {@link update}, and the last one the controller accepted. */
  private version = 0;
  private accepted = -1;
  private calling = false;
  private failures = 0;
  private resolveAnnounced!: () => void;
  /** Resolves once the controller has accepted the (first) announcement. */
  readonly announced: Promise<void>;

  constructor(
    readonly controllerEndpoint: string,
    private registrant: Registrant,
    options: RegistrationOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 1000;
    this.client = new RpcClient('uiiit.rpc.EdgeController', controllerEndpoint, { tls: options.tls });
    this.announced = new Promise((resolve) => (this.resolveAnnounced = resolve));
    this.announce();
  }

  /**
   * Announces again with `registrant` (a computer whose lambdas changed at run time), retried like the
   * first announcement; the controller replaces what it knew of the computer.
   */
  update(registrant: Registrant): void {
    this.registrant = registrant;
    this.version++;
    this.announce();
  }

  /** Sends the current registrant unless the controller has it or a call is under way; retries on failure. */
  private announce(): void {
    if (this.stopped || this.calling || this.accepted === this.version) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    this.calling = true;
    const { registrant, version, controllerEndpoint } = this;
    const what =
      'computer' in registrant
        ? registrant.computer.edgeServerEndpoint
        : registrant.router.edgeServerEndpoint;
    const call =
      'computer' in registrant
        ? this.client.call('AnnounceComputer', registrant.computer, { timeoutMs: CALL_TIMEOUT_MS })
        : this.client.call('AnnounceRouter', registrant.router, { timeoutMs: CALL_TIMEOUT_MS });
    call.then(
      () => {
        this.calling = false;
        this.accepted = version;
        this.failures = 0;
        log.info(`announced ${what} to the controller at ${controllerEndpoint}`);
        this.resolveAnnounced();
        this.announce(); // updated meanwhile
      },
      (err: Error) => {
        this.calling = false;
        if (this.failures++ === 0)
          log.warn(
            `cannot announce to the controller at ${controllerEndpoint} ` +
              `(${unreachableReason(err) ?? err.message}); retrying`,
          );
        if (!this.stopped) this.retry = setTimeout(() => this.announce(), this.retryMs);
      },
    );
  }

  /**
   * Stops retrying and, for a computer, tells the controller it is gone (errors are logged, not thrown; an
   * unreachable controller at info level, as it has nothing to remove).
   */
  async unregister(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    try {
      if ('computer' in this.registrant) {
        const info = this.registrant.computer;
        await this.client.call('RemoveComputer', info, { timeoutMs: CALL_TIMEOUT_MS });
        log.info(`removed ${info.edgeServerEndpoint} from the controller at ${this.controllerEndpoint}`);
      }
    } catch (err) {
      // A controller already stopped has nothing to remove: news of a clean shutdown, not an error.
      const unreachable = unreachableReason(err);
      if (unreachable !== undefined)
        log.info(`cannot remove from the controller at ${this.controllerEndpoint}: ${unreachable}`);
      else
        log.error(
          `cannot remove from the controller at ${this.controllerEndpoint}: ${(err as Error).message}`,
        );
    } finally {
      this.client.close();
    }
  }
}
