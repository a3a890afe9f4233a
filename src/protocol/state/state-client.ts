import { RpcClient } from '../rpc-client.js';
import type { StateResponse } from '../messages.js';
import type { TlsCredentials } from '../tls-credentials.js';
import type { StateStore } from './state-store.js';

/** Default milliseconds one StateServer call may take before it fails. */
export const DEFAULT_STATE_CALL_TIMEOUT_MS = 10_000;

/** Get, Put and Del of states wherever they are: a StateServer's retcodes (`OK` or why not). */
export interface StateAccess {
  get(name: string): Promise<StateResponse>;
  put(name: string, content: Buffer): Promise<StateResponse>;
  del(name: string): Promise<StateResponse>;
}

/** {@link StateAccess} to a store in this process (an embedded state server). */
export function localStates(store: StateStore): StateAccess {
  return {
    get: (name) => Promise.resolve(store.get(name)),
    put: (name, content) => Promise.resolve(store.put(name, content)),
    del: (name) => Promise.resolve(store.del(name)),
  };
}

/**
 * {@link StateAccess} to the StateServer at one endpoint over gRPC; a transport failure rejects with
 * its RpcError, each call bounded by `timeoutMs`.
 */
export class StateClient implements StateAccess {
  private readonly rpc: RpcClient<'uiiit.rpc.StateServer'>;

  constructor(
    readonly endpoint: string,
    private readonly options: { tls?: TlsCredentials | undefined; timeoutMs?: number } = {},
  ) {
    this.rpc = new RpcClient('uiiit.rpc.StateServer', endpoint, { tls: options.tls });
  }

  get(name: string): Promise<StateResponse> {
    return this.call('Get', name);
  }

  put(name: string, content: Buffer): Promise<StateResponse> {
    return this.call('Put', name, content);
  }

  del(name: string): Promise<StateResponse> {
    return this.call('Del', name);
  }

  /** Closes the channel. */
  close(): void {
    this.rpc.close();
  }

  private call(method: 'Get' | 'Put' | 'Del', name: string, content?: Buffer): Promise<StateResponse> {
    return this.rpc.call(
      method,
      { name, location: '', content: content ?? Buffer.alloc(0) },
      { timeoutMs: this.options.timeoutMs ?? DEFAULT_STATE_CALL_TIMEOUT_MS },
    );
  }
}

/** Most StateServer channels a {@link StateClients} keeps open. */
const MAX_CHANNELS = 32;

/** StateClients by endpoint, the least recently used closed beyond {@link MAX_CHANNELS}. */
export class StateClients {
  private readonly clients = new Map<string, StateClient>();

  constructor(private readonly options: { tls?: TlsCredentials | undefined; timeoutMs?: number } = {}) {}

  /** The client of the StateServer at `endpoint`. */
  at(endpoint: string): StateClient {
    let client = this.clients.get(endpoint);
    if (client !== undefined) {
      this.clients.delete(endpoint);
    } else {
      client = new StateClient(endpoint, this.options);
      if (this.clients.size >= MAX_CHANNELS) {
        const [oldest, old] = this.clients.entries().next().value as [string, StateClient];
        this.clients.delete(oldest);
        old.close();
      }
    }
    this.clients.set(endpoint, client);
    return client;
  }

  /** Closes every channel. */
  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
