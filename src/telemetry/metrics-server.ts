import http from 'node:http';
import { PROMETHEUS_CONTENT_TYPE } from '../support/prometheus.js';

/** A running `/metrics` server. */
export interface MetricsServer {
  /** The bound `host:port`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Bounds of the `/metrics` server. */
export const METRICS_SERVER_LIMITS = {
  /** Connections at once; more are refused. */
  maxConnections: 32,
  /** Milliseconds to receive a request's headers, and the whole request. */
  requestTimeoutMs: 10_000,
  /** Bytes of request headers. */
  maxHeaderSize: 8192,
} as const;

/** `host:port` split at its last colon (IPv6 literals in brackets); fails naming `--metrics-endpoint`. */
export function parseMetricsEndpoint(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  const portText = endpoint.slice(i + 1);
  if (i <= 0 || !/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
    throw new Error(`--metrics-endpoint: expected HOST:PORT such as 127.0.0.1:9464, got '${endpoint}'`);
  return { host: endpoint.slice(0, i), port: Number(portText) };
}

/**
 * Serves Prometheus' text exposition of `render()` on `GET /metrics` (and HEAD) at `endpoint`
 * (`host:port`, port 0: any free one). Other paths are 404, other methods 405; request bodies are not
 * read; connections and header sizes are bounded ({@link METRICS_SERVER_LIMITS}).
 */
export async function startMetricsServer(endpoint: string, render: () => string): Promise<MetricsServer> {
  const { host, port } = parseMetricsEndpoint(endpoint);
  const server = http.createServer(
    {
      maxHeaderSize: METRICS_SERVER_LIMITS.maxHeaderSize,
      requestTimeout: METRICS_SERVER_LIMITS.requestTimeoutMs,
      headersTimeout: METRICS_SERVER_LIMITS.requestTimeoutMs,
    },
    (req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const reply = (
        status: number,
        type: string,
        text: string,
        extra: Record<string, string> = {},
      ): void => {
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...extra });
        res.end(req.method === 'HEAD' ? undefined : text);
      };
      if (path !== '/metrics') return reply(404, 'text/plain; charset=utf-8', 'Not found: GET /metrics\n');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return reply(405, 'text/plain; charset=utf-8', 'Method not allowed: GET /metrics\n', {
          allow: 'GET, HEAD',
        });
      let text: string;
      try {
        text = render();
      } catch (err) {
        return reply(500, 'text/plain; charset=utf-8', `${(err as Error).message}\n`);
      }
      reply(200, PROMETHEUS_CONTENT_TYPE, text);
    },
  );
  server.maxConnections = METRICS_SERVER_LIMITS.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host.replace(/^\[(.*)\]$/, '$1'), () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as { port: number };
  return {
    endpoint: `${host}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
