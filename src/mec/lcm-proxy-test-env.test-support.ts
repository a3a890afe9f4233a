import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LcmProxyRpcClient } from './lcm-proxy-rpc.js';
import { LcmProxyService, type LcmProxyServiceOptions } from './lcm-proxy-service.js';

/** A proxy on loopback (any free ports) with a gRPC client of its north-bound interface. */
export async function startProxy(
  options: Partial<LcmProxyServiceOptions> = {},
): Promise<{ service: LcmProxyService; root: string; rpc: LcmProxyRpcClient; stop: () => Promise<void> }> {
  const service = await LcmProxyService.start({
    apiRoot: 'http://127.0.0.1:0',
    grpcEndpoint: '127.0.0.1:0',
    ...options,
  });
  const rpc = new LcmProxyRpcClient(service.rpc!.endpoint);
  return {
    service,
    root: service.http.apiRoot,
    rpc,
    stop: async () => {
      rpc.close();
      await service.stop();
    },
  };
}

/** One answer of a REST call. */
export interface Answer {
  status: number;
  contentType: string | null;
  location: string | null;
  text: string;
  json: unknown;
}

/** Sends a REST request (a string body is sent as is, anything else as JSON). */
export async function rest(method: string, url: string, body?: unknown): Promise<Answer> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    location: res.headers.get('location'),
    text,
    json,
  };
}

/** A device's notification server: records the bodies POSTed to it and answers as told. */
export class CallbackServer {
  readonly received: unknown[] = [];
  /** What to do with the next notifications: answer a status, or never answer. */
  mode: number | 'silent' = 204;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
  ) {}

  static async start(): Promise<CallbackServer> {
    const holder: { self?: CallbackServer } = {};
    const server = createServer((req, res) => holder.self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new CallbackServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`);
    return holder.self;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      for (const w of this.waiters.splice(0)) w();
      if (this.mode === 'silent') return;
      res.writeHead(this.mode);
      res.end();
    });
  }

  /** Resolves once `n` notifications have arrived in all. */
  async waitFor(n: number): Promise<void> {
    while (this.received.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
