import { readForwardingTables } from '../broker/forwarding-table-reader.js';
import { compareEntries, formatTable } from '../broker/table-dump.js';
import { RpcClient } from '../protocol/rpc-client.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { unreachableError } from '../protocol/unreachable.js';
import type { RouterEndpoints } from './registry-entries.js';
import type { RouterTables } from './router-tables.js';

/** Options of a {@link RouterTablesReader}. */
export interface RouterTablesReaderOptions {
  /** Deadline of each GetNumTables and GetTable call, ms (default 1000). */
  callTimeoutMs?: number;
  /** Routers read at the same time (default 8). */
  concurrency?: number;
  /** A read younger than this is answered again instead of asking the routers (ms, default 500). */
  maxAgeMs?: number;
  /** Call the routers over TLS (`--secure`). */
  tls?: TlsCredentials | undefined;
  /** The clock (ms), for the cache age (default `Date.now`). */
  now?: () => number;
}

/**
 * Reads the forwarding tables of the routers a controller knows, as `forwardingtableclient` does
 * (GetNumTables, GetTable each), for a read-only view: concurrent readers share one read in progress,
 * a read younger than `maxAgeMs` for the same routers is reused, each call has a deadline, at most
 * `concurrency` routers are read at once. One client is kept per router; a failed one is replaced.
 */
export class RouterTablesReader {
  private readonly clients = new Map<string, RpcClient<'uiiit.rpc.EdgeRouter'>>();
  private readonly callTimeoutMs: number;
  private readonly concurrency: number;
  private readonly maxAgeMs: number;
  private readonly tls: TlsCredentials | undefined;
  private readonly now: () => number;
  private last: { key: string; at: number; result: Promise<RouterTables[]> } | undefined;

  constructor(options: RouterTablesReaderOptions = {}) {
    this.callTimeoutMs = options.callTimeoutMs ?? 1000;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.maxAgeMs = options.maxAgeMs ?? 500;
    this.tls = options.tls;
    this.now = options.now ?? Date.now;
  }

  /** The tables of each router, in the order given; a router that fails has `error` set. */
  read(routers: readonly RouterEndpoints[]): Promise<RouterTables[]> {
    const key = routers.map((r) => `${r.lambdaEndpoint} ${r.forwardingEndpoint}`).join('\n');
    const at = this.now();
    if (this.last !== undefined && this.last.key === key && at - this.last.at < this.maxAgeMs) {
      return this.last.result;
    }
    const result = this.readAll(routers);
    this.last = { key, at, result };
    return result;
  }

  /** Closes every client. */
  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private async readAll(routers: readonly RouterEndpoints[]): Promise<RouterTables[]> {
    const known = new Set(routers.map((r) => r.forwardingEndpoint));
    for (const [endpoint, client] of this.clients) {
      if (known.has(endpoint)) continue;
      client.close();
      this.clients.delete(endpoint);
    }
    const out: RouterTables[] = new Array<RouterTables>(routers.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < routers.length) {
        const i = next++;
        out[i] = await this.readOne(routers[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, routers.length) }, worker));
    return out;
  }

  private async readOne(router: RouterEndpoints): Promise<RouterTables> {
    const { lambdaEndpoint, forwardingEndpoint } = router;
    let client = this.clients.get(forwardingEndpoint);
    if (client === undefined) {
      client = new RpcClient('uiiit.rpc.EdgeRouter', forwardingEndpoint, { tls: this.tls });
      this.clients.set(forwardingEndpoint, client);
    }
    try {
      const tables = (await readForwardingTables(client, { timeoutMs: this.callTimeoutMs })).map((t) =>
        [...t].sort(compareEntries),
      );
      const dump = tables.map((t, i) => `Table#${i}\n${formatTable(t)}`).join('');
      return { lambdaEndpoint, forwardingEndpoint, tables, dump };
    } catch (err) {
      this.clients.delete(forwardingEndpoint);
      client.close();
      const error = unreachableError(forwardingEndpoint, err);
      const message = error instanceof Error ? error.message : String(error);
      return { lambdaEndpoint, forwardingEndpoint, tables: [], dump: '', error: message };
    }
  }
}
