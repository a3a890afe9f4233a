import { RpcClient } from '../protocol/rpc-client.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';

/** Where a wskproxy learns the management end-points of the js computers it deploys actions to. */
export interface JsComputerSource {
  /** The management end-points known now, sorted, without duplicates; fails if they cannot be learnt. */
  endpoints(): Promise<string[]>;
  /** True when the set may change while the proxy runs (worth watching). */
  readonly changes: boolean;
  close(): void;
}

/** A fixed list of management end-points (`wskproxy --management-endpoints`). */
export class FixedJsComputers implements JsComputerSource {
  readonly changes = false;
  private readonly list: string[];

  constructor(endpoints: readonly string[]) {
    this.list = [...new Set(endpoints)].sort();
  }

  endpoints(): Promise<string[]> {
    return Promise.resolve([...this.list]);
  }

  close(): void {}
}

/** How long one ListComputers call may take, ms. */
const LIST_TIMEOUT_MS = 5000;

/**
 * The js computers an e-controller knows (`wskproxy --controller-endpoint`): those whose announcement
 * carried a management end-point, read with `soe.rpc.ControllerView/ListComputers`.
 */
export class ControllerJsComputers implements JsComputerSource {
  readonly changes = true;
  private readonly client: RpcClient<'soe.rpc.ControllerView'>;

  constructor(
    readonly controllerEndpoint: string,
    tls?: TlsCredentials,
  ) {
    this.client = new RpcClient('soe.rpc.ControllerView', controllerEndpoint, { tls });
  }

  async endpoints(): Promise<string[]> {
    let list;
    try {
      list = await this.client.call('ListComputers', {}, { timeoutMs: LIST_TIMEOUT_MS });
    } catch (err) {
      throw new Error(
        `cannot list the computers of the controller at ${this.controllerEndpoint}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const found = list.computers.map((c) => c.managementEndpoint).filter((e) => e !== '');
    return [...new Set(found)].sort();
  }

  close(): void {
    this.client.close();
  }
}
