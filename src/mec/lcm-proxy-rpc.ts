import { RpcClient } from '../protocol/rpc-client.js';
import { service, type ServiceBinding } from '../protocol/rpc-server.js';
import type { AddressTuple, ContextTuple } from '../protocol/messages.js';
import { logger } from '../support/logger.js';
import type { UeAppLcmProxy } from './ue-app-lcm-proxy.js';

const log = logger('mec');

/** Runs an operation, logging its error instead of failing: the original always answers gRPC OK. */
async function swallow(what: string, operation: () => Promise<void> | void): Promise<Record<string, never>> {
  try {
    await operation();
  } catch (err) {
    log.warn(`${what}: ${(err as Error).message}`);
  }
  return {};
}

/** The north-bound gRPC service `uiiit.etsimec.rpc.UeAppLcmProxy` over a proxy (spec §9.2). */
export function lcmProxyService(proxy: UeAppLcmProxy): ServiceBinding {
  return service('uiiit.etsimec.rpc.UeAppLcmProxy', {
    associateAddress: (r) =>
      swallow(`associateAddress(${r.client}, ${r.appName}, ${r.server})`, () =>
        proxy.associate(r.client, r.appName, r.server),
      ),
    removeAddress: (r) =>
      swallow(`removeAddress(${r.client}, ${r.appName})`, () => proxy.remove(r.client, r.appName)),
    addLambda: (r) => swallow(`addLambda(${r.value})`, () => proxy.addLambda(r.value)),
    delLambda: (r) => swallow(`delLambda(${r.value})`, () => proxy.delLambda(r.value)),
    numContexts: () => ({ value: proxy.numContexts() }),
    table: () => ({ table: proxy.table() }),
    contexts: () => ({ contexts: proxy.contexts() }),
  });
}

/** A client of the north-bound gRPC interface of a UE application LCM proxy. */
export class LcmProxyRpcClient {
  private readonly client: RpcClient<'uiiit.etsimec.rpc.UeAppLcmProxy'>;

  constructor(
    readonly endpoint: string,
    /** Deadline of each call, in ms (the original had none; undefined keeps none). */
    private readonly timeoutMs?: number,
  ) {
    this.client = new RpcClient('uiiit.etsimec.rpc.UeAppLcmProxy', endpoint);
  }

  private options(): { timeoutMs?: number } {
    return this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs };
  }

  /** Associates a client address ('' = any) and an application name to an end-point. */
  async associateAddress(client: string, appName: string, server: string): Promise<void> {
    await this.client.call('associateAddress', { client, appName, server }, this.options());
  }

  /** Removes the association of a client address ('' = any) and an application name. */
  async removeAddress(client: string, appName: string): Promise<void> {
    await this.client.call('removeAddress', { client, appName }, this.options());
  }

  /** Adds a lambda to the application list. */
  async addLambda(lambda: string): Promise<void> {
    await this.client.call('addLambda', { value: lambda }, this.options());
  }

  /** Removes a lambda from the application list. */
  async delLambda(lambda: string): Promise<void> {
    await this.client.call('delLambda', { value: lambda }, this.options());
  }

  /** The number of active contexts. */
  async numContexts(): Promise<number> {
    return (await this.client.call('numContexts', {}, this.options())).value;
  }

  /** The address associations. */
  async table(): Promise<AddressTuple[]> {
    return (await this.client.call('table', {}, this.options())).table;
  }

  /** The active contexts. */
  async contexts(): Promise<ContextTuple[]> {
    return (await this.client.call('contexts', {}, this.options())).contexts;
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }
}
