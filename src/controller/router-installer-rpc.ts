import { FLUSH_COMMAND } from '../broker/configure-rules.js';
import type { EdgeRouterConf } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { unreachableReason } from '../protocol/unreachable.js';
import { logger } from '../support/logger.js';
import type { RouteEntry, RouterInstaller } from './router-installer.js';

const log = logger('controller');

/** Options of an {@link RpcRouterInstaller}. */
export interface RpcRouterInstallerOptions {
  /** Deadline of each Configure call, ms (the original used none: a black-holed router blocked it forever). */
  callTimeoutMs?: number;
  /** Call the routers over TLS with this material (`--secure`); default: in clear. */
  tls?: TlsCredentials | undefined;
}

/**
 * Programs e-routers with `uiiit.rpc.EdgeRouter.Configure` calls: one RPC per route, sequentially,
 * stopping at the first failed call (which rejects, so that the router is considered gone; logged at info
 * level when the router cannot be reached, a warning otherwise). A reply
 * carrying an error text (`Error: <what>`, `Unknown error`) is only logged, as the router did apply
 * the rest. One client is kept per router; a router whose call failed gets a new one next time.
 */
export class RpcRouterInstaller implements RouterInstaller {
  private readonly clients = new Map<string, RpcClient<'uiiit.rpc.EdgeRouter'>>();
  private readonly callTimeoutMs: number;
  private readonly tls: TlsCredentials | undefined;

  constructor(options: RpcRouterInstallerOptions = {}) {
    this.callTimeoutMs = options.callTimeoutMs ?? 2000;
    this.tls = options.tls;
  }

  /** Sends one CHANGE per entry. */
  async change(forwardingEndpoint: string, entries: readonly RouteEntry[]): Promise<void> {
    for (const e of entries) {
      await this.configure(forwardingEndpoint, {
        action: 'CHANGE',
        lambda: e.lambda,
        destination: e.destination,
        weight: e.weight,
        final: e.final,
      });
    }
  }

  /** Sends one REMOVE per lambda (weight and final unset). */
  async remove(forwardingEndpoint: string, destination: string, lambdas: readonly string[]): Promise<void> {
    for (const lambda of lambdas) {
      await this.configure(forwardingEndpoint, { action: 'REMOVE', lambda, destination });
    }
  }

  /**
   * Sends one FLUSH, with lambda `*` and every other field unset (routers of ours refuse a bare FLUSH, which
   * an empty message also reads as; the original's routers ignore the lambda of a FLUSH).
   */
  async flush(forwardingEndpoint: string): Promise<void> {
    await this.configure(forwardingEndpoint, { ...FLUSH_COMMAND });
  }

  /** Closes every cached client. */
  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private async configure(endpoint: string, conf: Partial<EdgeRouterConf>): Promise<void> {
    const client = this.client(endpoint);
    let reply;
    try {
      reply = await client.call('Configure', conf, { timeoutMs: this.callTimeoutMs });
    } catch (err) {
      this.clients.delete(endpoint);
      client.close();
      // A router that is gone (stopped before the computers, as soe up stops a deployment) is forgotten by
      // design: news, not an error. Any other failure (a deadline, a refusal) is a warning.
      const unreachable = unreachableReason(err);
      if (unreachable !== undefined) {
        log.info(`Could not issue a command to edge router at ${endpoint}: ${unreachable}`);
      } else {
        const what = err instanceof Error ? err.message : String(err);
        log.warn(`Could not issue a command to edge router at ${endpoint}: ${what}`);
      }
      throw err;
    }
    if (reply.msg !== '' && reply.msg !== 'OK') {
      log.warn(
        `edge router at ${endpoint} answered '${reply.msg}' to ${conf.action} ` +
          `(lambda '${conf.lambda ?? ''}', destination '${conf.destination ?? ''}')`,
      );
    }
  }

  private client(endpoint: string): RpcClient<'uiiit.rpc.EdgeRouter'> {
    let client = this.clients.get(endpoint);
    if (client === undefined) {
      client = new RpcClient('uiiit.rpc.EdgeRouter', endpoint, { tls: this.tls });
      this.clients.set(endpoint, client);
    }
    return client;
  }
}
