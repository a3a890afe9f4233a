import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link FakeFaas} received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  contentType: string;
  body: string;
}

/** How a {@link FakeFaas} answers a request: status and body, or `undefined` to leave it to the test. */
export type FakeHandler = (
  req: ReceivedRequest,
  res: http.ServerResponse,
) => { status: number; body: string } | undefined;

/**
 * A real HTTP server on loopback standing for a FaaS platform: records every request, answers with the
 * handler, and tells who waits on {@link FakeFaas.received} when a request has arrived.
 */
export class FakeFaas {
  readonly requests: ReceivedRequest[] = [];
  /** Requests whose answer is in progress (the handler left them open). */
  inFlight = 0;
  maxInFlight = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 (port 0: any free one). */
  static async start(handler: FakeHandler, port = 0): Promise<FakeFaas> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const fake = new FakeFaas(server, (server.address() as AddressInfo).port);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received = {
          method: req.method ?? '',
          url: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        };
        fake.requests.push(received);
        fake.inFlight++;
        fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
        res.on('close', () => fake.inFlight--);
        const answer = handler(received, res);
        if (answer !== undefined) res.writeHead(answer.status).end(answer.body);
        const waiters = fake.waiters;
        fake.waiters = [];
        for (const w of waiters) w();
      });
    });
    return fake;
  }

  /** The gateway URL of this server (`http://127.0.0.1:<port>/`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Resolves once `n` requests have arrived in all. */
  async received(n: number): Promise<void> {
    while (this.requests.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Closes the server and every connection to it. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A loopback port nobody listens on, for a server a test starts later: drawn below the kernel's ephemeral
 * range (as test/support/ports.ts does), where no other process's port-0 bind can take it meanwhile.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const server = http.createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(true));
    });
    if (bound) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('No free loopback port between 20000 and 32000');
}
