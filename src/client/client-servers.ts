import { startCallbackServer, type CallbackServer } from '../protocol/callback/callback-server.js';
import { startStateServer, type StateServer } from '../protocol/state/state-server.js';
import type { StateLimits } from '../protocol/state/state-store.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';

/** The servers an `edgeclient` runs for asynchronous responses and remote states. */
export interface ClientServers {
  /** The CallbackServer (`--callback-endpoint`), if asked for. */
  callbacks: CallbackServer | undefined;
  /** Where the client's remote states live (`--state-endpoint`, real port if started here); '' if none. */
  stateEndpoint: string;
  /** The StateServer started here, unless none or `--no-state-server`. */
  stateServer: StateServer | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the client's CallbackServer at `callbackEndpoint` and StateServer at `stateEndpoint` (unless
 * `noStateServer`: the states then live on a server elsewhere), each when its endpoint is not empty.
 */
export async function startClientServers(o: {
  callbackEndpoint: string;
  stateEndpoint: string;
  noStateServer: boolean;
  stateLimits?: StateLimits;
  tls?: TlsCredentials | undefined;
}): Promise<ClientServers> {
  const callbacks =
    o.callbackEndpoint !== '' ? await startCallbackServer(o.callbackEndpoint, { tls: o.tls }) : undefined;
  let stateServer: StateServer | undefined;
  try {
    if (o.stateEndpoint !== '' && !o.noStateServer) {
      stateServer = await startStateServer(o.stateEndpoint, { limits: o.stateLimits, tls: o.tls });
    }
  } catch (err) {
    await callbacks?.stop();
    throw err;
  }
  return {
    callbacks,
    stateEndpoint: stateServer?.endpoint ?? o.stateEndpoint,
    stateServer,
    async stop() {
      await Promise.all([callbacks?.stop(), stateServer?.stop()]);
    },
  };
}
