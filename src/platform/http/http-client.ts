import http from 'node:http';
import https from 'node:https';
import { socketErrorReason } from '../../support/socket-errors.js';

/** An HTTP answer: its status and its body as text (UTF-8). */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** The bounds of every call of an {@link HttpClient}. */
export interface HttpClientLimits {
  /** From sending to the end of the response body, ms. */
  timeoutMs: number;
  /** Largest response body, bytes. */
  maxResponseBytes: number;
}

/** One HTTP call: method, headers, body (none for GET and DELETE), and what aborts it (the client gone). */
export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** `host:port` of a URL, with the scheme's port when it has none. */
function hostPort(url: URL): string {
  return `${url.hostname}:${url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port}`;
}

/**
 * HTTP(S) calls over kept-alive connections (at most `maxSockets` per host), with every call bounded in
 * time and in response size. Failures reject with an Error saying what happened in words:
 * `cannot connect to <host:port>: connection refused`, `no response from <url> within <t> s`,
 * `response from <url> larger than <n> bytes`, `connection to <host:port> lost: <reason>`,
 * `call to <url> cancelled: <reason>`.
 */
export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  /** `verifyCertificates: false` takes any HTTPS certificate (a self-signed one, say). */
  constructor(
    maxSockets: number,
    private readonly limits: HttpClientLimits,
    { verifyCertificates = true }: { verifyCertificates?: boolean } = {},
  ) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets,
      rejectUnauthorized: verifyCertificates,
    });
  }

  /** Sends `call` to `url`; resolves with the answer whatever its status. */
  request(url: URL, call: HttpCall): Promise<HttpAnswer> {
    const { timeoutMs, maxResponseBytes } = this.limits;
    const secure = url.protocol === 'https:';
    const signal = call.signal;
    const headers: Record<string, string | number> = { ...call.headers };
    if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body);
    return new Promise<HttpAnswer>((resolve, reject) => {
      let connected = false;
      let settled = false;
      const finish = (err: Error | undefined, answer?: HttpAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve(answer!);
        else {
          req.destroy();
          reject(err);
        }
      };
      const req = (secure ? https : http).request(url, {
        method: call.method,
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers,
      });
      const timer = setTimeout(
        () => finish(new Error(`no response from ${url.href} within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const onAbort = (): void => {
        const reason = signal?.reason instanceof Error ? signal.reason.message : String(signal?.reason);
        finish(new Error(`call to ${url.href} cancelled: ${reason}`));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once('connect', () => (connected = true));
      });
      req.on('error', (err) => {
        const reason = socketErrorReason(err) ?? err.message;
        finish(
          new Error(
            connected
              ? `connection to ${hostPort(url)} lost: ${reason}`
              : `cannot connect to ${hostPort(url)}: ${reason}`,
            { cause: err },
          ),
        );
      });
      req.on('response', (res) => {
        const declared = Number(res.headers['content-length']);
        const tooLarge = (): Error =>
          new Error(`response from ${url.href} larger than ${maxResponseBytes} bytes`);
        if (declared > maxResponseBytes) {
          finish(tooLarge());
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxResponseBytes) finish(tooLarge());
          else chunks.push(chunk);
        });
        res.on('end', () =>
          finish(undefined, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        const lost = (why: string): void => finish(new Error(`connection to ${hostPort(url)} lost: ${why}`));
        res.on('error', (err) => lost(socketErrorReason(err) ?? err.message));
        res.on('close', () => {
          if (!res.complete) lost('response incomplete');
        });
      });
      req.end(call.body);
    });
  }

  /** Closes the idle connections and the agents. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
