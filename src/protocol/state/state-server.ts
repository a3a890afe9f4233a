import { realScheduler, type Scheduler } from '../../support/scheduler.js';
import { RpcServer, service } from '../rpc-server.js';
import type { TlsCredentials } from '../tls-credentials.js';
import { StateStore, type StateLimits } from './state-store.js';

/** Seconds between two sweeps of a StateServer's expired join entries. */
export const JOIN_SWEEP_PERIOD = 5;
/** Most expired join entries one sweep removes (bounded work per tick; the rest at the next ones). */
export const JOIN_SWEEP_MAX = 10_000;

/** A running StateServer (`uiiit.rpc.StateServer`) and the store it serves. */
export interface StateServer {
  /** The endpoint actually bound (with the real port when asked for port 0). */
  readonly endpoint: string;
  readonly store: StateStore;
  stop(): Promise<void>;
}

/**
 * Bytes of the protobuf framing of a State beside its name and content (field tags, lengths, the location of
 * an endpoint), generously.
 */
const STATE_FRAMING_BYTES = 64 * 1024;

/**
 * The largest message a StateServer reads: a Put of a state of the largest size under the longest name.
 * A larger one is refused before it is read (RESOURCE_EXHAUSTED), not after: 200 Puts of 3.9 MB at once,
 * each answered `state too big`, took the server's memory up by 1.3 GB.
 */
export function maxStateMessage(store: StateStore): number {
  return store.maxStateSize + store.maxNameLength + STATE_FRAMING_BYTES;
}

/**
 * Serves the StateServer service (Get, Put, Del) over a new bounded {@link StateStore} on `endpoint`,
 * sweeping its expired join entries every {@link JOIN_SWEEP_PERIOD} seconds of `scheduler` (default the
 * wall clock; its clock is the store's).
 */
export async function startStateServer(
  endpoint: string,
  options: { limits?: StateLimits; tls?: TlsCredentials | undefined; scheduler?: Scheduler } = {},
): Promise<StateServer> {
  const scheduler = options.scheduler ?? realScheduler;
  const store = new StateStore(options.limits, () => scheduler.now());
  const server = await RpcServer.start(
    endpoint,
    [
      service('uiiit.rpc.StateServer', {
        Get: (s) => store.serve('Get', s),
        Put: (s) => store.serve('Put', s),
        Del: (s) => store.serve('Del', s),
      }),
    ],
    { tls: options.tls, maxReceiveMessageLength: maxStateMessage(store) },
  );
  const cancelSweep = scheduler.every(JOIN_SWEEP_PERIOD, () => store.sweep(JOIN_SWEEP_MAX), {
    keepAlive: false,
  });
  return {
    endpoint: server.endpoint,
    store,
    stop: () => {
      cancelSweep();
      return server.stop();
    },
  };
}
