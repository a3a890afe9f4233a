import type { LambdaCall } from '../protocol/lambda-transports.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { errorResponse } from '../protocol/responses.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { logger, type Logger } from '../support/logger.js';
import { Random } from '../support/random.js';
import { ClientPool, PoolRefusal, type PoolResult } from '../client/client-pool.js';
import type { TrafficStats } from '../telemetry/traffic-stats.js';
import { DEFAULT_FORWARDING_LIMITS, type ForwardingLimits } from './forwarding-limits.js';
import type { RouterConf } from './router-conf.js';

/** Requests that went through more hops than this are answered `loop detected`. */
export const MAX_HOPS = 254;

/** Retcode prefix of a computer that does not (or no longer) serve a lambda. */
const NO_CONTAINER = 'No container for lambda ';

/** What a broker decides; the {@link Forwarder} does the rest. */
export interface ForwardingPolicy {
  /** The destination of a request; throws (e.g. `No destinations found for the entry`) if there is none. */
  choose(req: LambdaRequest): Promise<string> | string;
  /** A non-dry request forwarded to `destination` got an OK reply after `seconds`. */
  learn(req: LambdaRequest, destination: string, response: LambdaResponse, seconds: number): void;
  /** Whether the lambda still has this destination. */
  has(lambda: string, destination: string): boolean;
  /** Forgets a destination of a lambda. */
  remove(lambda: string, destination: string): void;
  /**
   * The attempt to forward a request to `destination` (chosen by `choose`) is over, whatever its outcome;
   * after `learn`.
   */
  settled?(req: LambdaRequest, destination: string): void;
}

/** How a forwarder is set up. */
export interface ForwarderOptions {
  router: RouterConf;
  /** Controller told about failed destinations (RemoveComputer); empty: none. */
  controllerEndpoint?: string;
  /** Seed of the artificial delays and fake times (default: random). */
  random?: Random;
  /** Logger of the broker, for its warnings. */
  log?: Logger;
  /** Deadline of forwarded calls and bound of the requests waiting (default: {@link DEFAULT_FORWARDING_LIMITS}). */
  limits?: Partial<ForwardingLimits>;
  /** Forward, and talk to the controller, over TLS with this material (`--secure`); default: in clear. */
  tls?: TlsCredentials | undefined;
  /** Where each forwarding attempt is counted (requests, errors, latency per lambda and destination). */
  traffic?: TrafficStats | undefined;
}

/**
 * The forwarding half shared by the e-router and the e-dispatcher (spec §3.3): loop detection, the
 * optional artificial delay, forwarding through the client pool (hops + 1, forward = true, dry kept: quirk
 * Q1 fixed), the responder filled in, and on a transport failure or a `No container for lambda` reply
 * (only those: quirk Q2 fixed) removal of the destination, a RemoveComputer to the controller, and a retry
 * on the next destination chosen. Dry replies teach the policy nothing.
 *
 * Every forwarded call has a deadline, sent with it: the incoming call's, or the forward timeout from
 * when it is sent, whichever comes first. A destination that does not answer within the forward timeout
 * is a failed one (removed, reported, the next one tried); when the incoming call's deadline comes first,
 * the destination is not to blame and the request ends with `Deadline exceeded forwarding to <d>`. At
 * most `maxQueuedRequests` requests wait for a slot of a destination (`max-pending-clients`); the next
 * one is answered `Too many requests waiting for <d> …` at once. A request whose client is gone (reset,
 * disconnected) leaves the queue at once; forwarded already, its forwarded call is cancelled (RST_STREAM
 * CANCEL: the destination's handler sees its call abort), so a reset flood leaves no work running.
 */
export class Forwarder {
  private readonly pool: ClientPool;
  private readonly controller: RpcClient<'uiiit.rpc.EdgeController'> | undefined;
  readonly random: Random;
  private readonly log: Logger;
  /** Deadline of forwarded calls and bound of the requests waiting, defaults filled in. */
  readonly limits: Readonly<ForwardingLimits>;

  constructor(private readonly options: ForwarderOptions) {
    this.limits = { ...DEFAULT_FORWARDING_LIMITS, ...options.limits };
    if (!(this.limits.forwardTimeoutMs > 0) || !Number.isFinite(this.limits.forwardTimeoutMs)) {
      throw new Error(`Invalid forward timeout: ${this.limits.forwardTimeoutMs / 1000} s (must be > 0)`);
    }
    if (!Number.isInteger(this.limits.maxQueuedRequests) || this.limits.maxQueuedRequests < 1) {
      throw new Error(
        `Invalid max queued requests: ${this.limits.maxQueuedRequests} (must be an integer >= 1)`,
      );
    }
    this.random = options.random ?? Random.fromSeeds(Date.now(), process.pid);
    this.log = options.log ?? logger('broker');
    this.pool = new ClientPool(options.router.maxPendingClients, options.tls);
    const controller = options.controllerEndpoint ?? '';
    this.controller =
      controller === ''
        ? undefined
        : new RpcClient('uiiit.rpc.EdgeController', controller, { tls: options.tls });
  }

  /**
   * Serves one request with a broker's policy: choose, forward, retry elsewhere if the destination is gone.
   * `call` is the incoming call: its deadline bounds the forwarded calls, its signal ends a wait for a slot.
   */
  async process(req: LambdaRequest, policy: ForwardingPolicy, call?: LambdaCall): Promise<LambdaResponse> {
    const traffic = this.options.traffic;
    if (req.hops > MAX_HOPS) {
      traffic?.unrouted();
      return errorResponse('loop detected', 0);
    }
    for (;;) {
      let destination: string;
      try {
        destination = await policy.choose(req);
      } catch (err) {
        traffic?.unrouted();
        return errorResponse((err as Error).message, 0);
      }
      await this.delay();
      let result: PoolResult;
      try {
        result = await this.forward(destination, req, call);
      } catch (err) {
        policy.settled?.(req, destination);
        traffic?.failed(req.name, destination);
        if (err instanceof PoolRefusal) return errorResponse(err.message, 0);
        this.drop(policy, req.name, destination, (err as Error).message);
        continue;
      }
      const { response, seconds } = result;
      if (response.retcode.startsWith(NO_CONTAINER)) {
        policy.settled?.(req, destination);
        traffic?.failed(req.name, destination);
        this.drop(policy, req.name, destination, response.retcode);
        continue;
      }
      if (response.retcode === 'OK') {
        if (!req.dry) policy.learn(req, destination, response, seconds);
        if (response.responder === '') response.responder = destination;
        traffic?.ok(req.name, destination, seconds);
      } else traffic?.failed(req.name, destination);
      policy.settled?.(req, destination);
      return response;
    }
  }

  /** Closes every connection. */
  close(): void {
    this.pool.close();
    this.controller?.close();
  }

  private async delay(): Promise<void> {
    const { minForwardTime: min, maxForwardTime: max } = this.options.router;
    if (min === 0 && max === 0) return;
    const seconds = this.random.uniformReal(min, max);
    await new Promise((r) => setTimeout(r, seconds * 1000));
  }

  private async forward(destination: string, req: LambdaRequest, call?: LambdaCall): Promise<PoolResult> {
    if (this.options.router.fake) {
      return { response: errorResponse('OK', req.hops + 2), seconds: 0.001 + this.random.uniform() };
    }
    return this.pool.send(
      destination,
      { ...req, forward: true, hops: req.hops + 1 },
      { call, callTimeoutMs: this.limits.forwardTimeoutMs, maxWaiting: this.limits.maxQueuedRequests },
    );
  }

  /** Removes a failed destination of a lambda and tells the controller. */
  private drop(policy: ForwardingPolicy, lambda: string, destination: string, why: string): void {
    if (!policy.has(lambda, destination)) return;
    policy.remove(lambda, destination);
    this.log.warn(`removing destination ${destination} of ${lambda}: ${why}`);
    if (this.controller !== undefined) {
      this.controller
        .call('RemoveComputer', { edgeServerEndpoint: destination, containers: [] }, { timeoutMs: 3000 })
        .catch((err: Error) => {
          this.log.error(`cannot tell the controller that ${destination} is gone: ${err.message}`);
        });
    }
  }
}
