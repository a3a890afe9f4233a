import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../support/logger.js';
import { DEV_APP_PREFIX, serveDevApp } from './dev-app-api.js';
import { MX2_PREFIX, mx2NotFound, serveMx2 } from './mx2-api.js';
import { HttpProblem, sendJson, sendProblem } from './problem-details.js';
import type { UeAppLcmProxy } from './ue-app-lcm-proxy.js';

const log = logger('mec');

/** Bounds of the proxy's REST server. */
export interface LcmProxyHttpLimits {
  /** Largest request body, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Time to receive a whole request, in ms (default 10 s). */
  requestTimeoutMs?: number;
  /** Most connections at once (default 1,000). */
  maxConnections?: number;
}

/** An API root: `http://host:port[/path]`, checked. */
export function parseApiRoot(apiRoot: string): URL {
  let url: URL;
  try {
    url = new URL(apiRoot);
  } catch {
    throw new Error(`Invalid ETSI MEC API root: ${apiRoot}`);
  }
  if (url.protocol !== 'http:') throw new Error(`Invalid ETSI MEC API root (http only): ${apiRoot}`);
  if (url.search !== '' || url.hash !== '') throw new Error(`Invalid ETSI MEC API root: ${apiRoot}`);
  return url;
}

/** The address of a client as the proxy keys it: IPv4-mapped IPv6 addresses as plain IPv4. */
export function clientAddressOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The REST server of the UE application LCM proxy at an API root: the original's Mx2 API at
 * `<root>/mx2/v1/` and GS MEC 016 v2.2.1 at `<root>/dev_app/v1/`, over one {@link UeAppLcmProxy}.
 */
export class LcmProxyHttpServer {
  private constructor(
    private readonly server: Server,
    /** The API root actually served (with the real port when asked for port 0), without a trailing slash. */
    readonly apiRoot: string,
  ) {}

  /** Listens at the host and port of `apiRoot`; fails if it cannot bind. */
  static async start(
    proxy: UeAppLcmProxy,
    apiRoot: string,
    limits: LcmProxyHttpLimits = {},
  ): Promise<LcmProxyHttpServer> {
    const root = parseApiRoot(apiRoot);
    const base = root.pathname.replace(/\/+$/, '');
    const maxBodyBytes = limits.maxBodyBytes ?? 64 * 1024;
    const server = createServer((req, res) => {
      handle(proxy, req, res, base, maxBodyBytes).catch((err: unknown) => {
        log.error(`REST request ${req.method} ${req.url}: ${(err as Error).message}`);
        if (!res.headersSent) sendJson(res, 500, { status: 500, detail: 'Internal error' });
        else res.destroy();
      });
    });
    server.requestTimeout = limits.requestTimeoutMs ?? 10_000;
    server.headersTimeout = Math.min(server.requestTimeout, 10_000);
    server.keepAliveTimeout = 5_000;
    server.maxConnections = limits.maxConnections ?? 1_000;
    const host = root.hostname.replace(/^\[|\]$/g, '');
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`Could not bind to: ${apiRoot}: ${err.message}`)));
      server.listen(Number(root.port || 80), host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const served = new URL(root.href);
    served.port = String(port);
    return new LcmProxyHttpServer(server, served.href.replace(/\/+$/, ''));
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** The URL of a request, from its Host header (a malformed one is replaced by the server's address). */
function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    return new URL(target, `http://${req.headers.host ?? ''}`);
  } catch {
    const local = req.socket.localAddress ?? '127.0.0.1';
    const host =
      local.includes(':') && !local.startsWith('::ffff:') ? `[${local}]` : local.replace(/^::ffff:/, '');
    return new URL(target.startsWith('/') ? target : '/', `http://${host}:${req.socket.localPort ?? 80}`);
  }
}

/** Routes a request to its API; a handler's {@link HttpProblem} becomes the API's error answer. */
async function handle(
  proxy: UeAppLcmProxy,
  req: IncomingMessage,
  res: ServerResponse,
  base: string,
  maxBodyBytes: number,
): Promise<void> {
  const url = requestUrl(req);
  const path = url.pathname;
  const clientAddress = clientAddressOf(req);
  const tooLarge = (): void => {
    // The rest of an over-large body is not read: the connection closes after the answer.
    res.setHeader('connection', 'close');
    res.on('finish', () => req.destroy());
  };
  if (path.startsWith(base + DEV_APP_PREFIX)) {
    const rest = path.slice(base.length + DEV_APP_PREFIX.length);
    try {
      await serveDevApp(proxy, req, res, url, rest, clientAddress, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof HttpProblem || err instanceof URIError)) throw err;
      if (err instanceof HttpProblem && err.closeConnection) tooLarge();
      sendProblem(res, err instanceof HttpProblem ? err.status : 400, err.message);
    }
  } else if (path.startsWith(base + MX2_PREFIX)) {
    const rest = path.slice(base.length + MX2_PREFIX.length);
    try {
      await serveMx2(proxy, req, res, rest, clientAddress, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof HttpProblem || err instanceof URIError)) throw err;
      if (err instanceof HttpProblem && err.closeConnection) tooLarge();
      sendJson(res, 400, { status: 400, detail: err.message });
    }
  } else {
    mx2NotFound(res);
  }
}
