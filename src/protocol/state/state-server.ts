import { RpcServer, service } from '../rpc-server.js';
import type { TlsCredentials } from '../tls-credentials.js';
import { StateStore, type StateLimits } from './state-store.js';

/** A running StateServer (`uiiit.rpc.StateServer`) and the store it serves. */
export interface StateServer {
  /** The endpoint actually bound (with the real port when asked for port 0). */
  readonly endpoint: string;
  readonly store: StateStore;
  stop(): Promise<void>;
}

/** Serves the StateServer service (Get, Put, Del) over a new bounded {@link StateStore} on `endpoint`. */
export async function startStateServer(
  endpoint: string,
  options: { limits?: StateLimits; tls?: TlsCredentials | undefined } = {},
): Promise<StateServer> {
  const store = new StateStore(options.limits);
  const server = await RpcServer.start(
    endpoint,
    [
      service('uiiit.rpc.StateServer', {
        Get: (s) => store.serve('Get', s),
        Put: (s) => store.serve('Put', s),
        Del: (s) => store.serve('Del', s),
      }),
    ],
    { tls: options.tls },
  );
  return { endpoint: server.endpoint, store, stop: () => server.stop() };
}
