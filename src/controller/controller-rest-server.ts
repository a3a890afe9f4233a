import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBindEndpoint, socketHost } from '../protocol/endpoint.js';
import { allowedHostNames, hostOfHeader } from '../timeseries/api/host-check.js';
import type { ControllerSnapshot } from './controller-snapshot.js';
import type { RouterEndpoints } from './registry-entries.js';
import type { RouterTables } from './router-tables.js';

/** What the REST view shows: the controller's state and its routers' tables. */
export interface ControllerRestSource {
  /** The controller's state now. */
  snapshot(): ControllerSnapshot;
  /** The tables of these routers (see `RouterTablesReader`). */
  tables(routers: readonly RouterEndpoints[]): Promise<RouterTables[]>;
}

/** Options of a {@link ControllerRestServer}. */
export interface ControllerRestOptions {
  /** `host:port` to listen on (port 0: any free port). */
  endpoint: string;
  /** Origins whose pages may read the view (CORS `Access-Control-Allow-Origin`); default none. */
  allowedOrigins?: readonly string[];
  /** Host names served besides loopback and the listen host (`*`: any); against DNS rebinding. */
  allowedHosts?: readonly string[];
  /** Connections open at once (default 64); more are closed on arrival. */
  maxConnections?: number;
  /** Time to receive a request's headers, ms (default 10000). */
  headersTimeoutMs?: number;
}

/** The paths the view serves, as `GET /` lists them. */
export const REST_PATHS = ['/v1/topology', '/v1/forwarding-tables'] as const;

/**
 * How often Node looks for connections past their header or request time, ms (its default, 30 s, let 64
 * slow connections hold the view for 31 s with a header time of 10 s).
 */
const TIMEOUT_CHECK_MS = 1000;

/** The longest request target accepted (bytes); longer ones are 414. */
const MAX_TARGET = 2048;

/**
 * The controller's read-only REST view (`soe controller --rest-endpoint`), JSON over HTTP/1.1:
 * `GET /v1/topology` the controller's snapshot, `GET /v1/forwarding-tables` every known router's tables
 * (`{routers: [...]}` as `RouterTables`), `GET /` the list of paths. Only GET and HEAD (405 otherwise,
 * with `Allow`), no request body read, a request target of at most 2048 bytes (414), a Host that is not
 * a name of this server 403 (DNS rebinding), bounded connections and header time. Pages of the
 * `allowedOrigins` get `Access-Control-Allow-Origin` (no credentials are involved); other origins none.
 * Errors are `{"error": "<message>"}`.
 */
export class ControllerRestServer {
  private constructor(
    private readonly server: http.Server,
    /** The `http://host:port` the view is served at (the real port when started on port 0). */
    readonly url: string,
  ) {}

  /** Starts serving `source` per `options`; fails if the end-point is bad or taken. */
  static async start(
    source: ControllerRestSource,
    options: ControllerRestOptions,
  ): Promise<ControllerRestServer> {
    const endpoint = parseBindEndpoint(options.endpoint);
    const hosts = allowedHostNames(endpoint.host, options.allowedHosts ?? []);
    const origins = new Set(options.allowedOrigins ?? []);
    const server = http.createServer(
      { connectionsCheckingInterval: TIMEOUT_CHECK_MS },
      (request, response) => {
        void handle(source, hosts, origins, request, response);
      },
    );
    server.maxConnections = options.maxConnections ?? 64;
    server.headersTimeout = options.headersTimeoutMs ?? 10_000;
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 5_000;
    server.maxHeadersCount = 100;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(endpoint.port, socketHost(endpoint), () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    return new ControllerRestServer(server, `http://${endpoint.host}:${port}`);
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

/** Sends a JSON reply (no body for HEAD). */
function send(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(request.method === 'HEAD' ? undefined : text);
}

async function handle(
  source: ControllerRestSource,
  hosts: ReadonlySet<string> | 'any',
  origins: ReadonlySet<string>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const origin = request.headers.origin;
  if (origin !== undefined && origins.has(origin)) {
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Vary', 'Origin');
  }
  const target = request.url ?? '/';
  const host = request.headers.host;
  if (host !== undefined && hosts !== 'any' && !hosts.has(hostOfHeader(host))) {
    send(request, response, 403, { error: `Host '${host}' is not a name of this server` });
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(
      request,
      response,
      405,
      { error: `Method ${request.method} not allowed: the view is read-only` },
      {
        Allow: 'GET, HEAD',
      },
    );
    return;
  }
  if (Buffer.byteLength(target) > MAX_TARGET) {
    send(request, response, 414, { error: `Request target longer than ${MAX_TARGET} bytes` });
    return;
  }
  const path = target.split('?')[0]!;
  try {
    if (path === '/' || path === '') {
      send(request, response, 200, { paths: REST_PATHS });
    } else if (path === '/v1/topology') {
      send(request, response, 200, source.snapshot());
    } else if (path === '/v1/forwarding-tables') {
      const routers = source.snapshot().routers;
      send(request, response, 200, { routers: await source.tables(routers) });
    } else {
      send(request, response, 404, { error: `No such path '${path}': try ${REST_PATHS.join(' or ')}` });
    }
  } catch (err) {
    if (!response.headersSent) {
      send(request, response, 500, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
