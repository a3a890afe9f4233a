import http from 'node:http';
import https from 'node:https';
import { socketErrorReason } from '../../support/socket-errors.js';

/** An HTTP answer: its status and its body as text (UTF-8). */
export interface RestAnswer {
  status: number;
  body: string;
}

/** The bounds of every call of a {@link RestClient}. */
export interface RestLimits {
  /** From sending to the end of the response body, ms. */
  timeoutMs: number;
  /** Largest response body, bytes. */
  maxResponseBytes: number;
}

/** One HTTP call: method, headers and body (none for GET and DELETE). */
export interface RestCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * HTTP(S) calls over kept-alive connections (at most `maxSockets` per host), each bounded in time and in
 * response size. HTTPS certificates are not verified (as the original's OpenWhisk client: an OpenWhisk
 * deployment usually has a self-signed one). Failures reject with an Error saying what happened:
 * `cannot reach <url>: <reason>`, `no response from <url> within <t> s`,
 * `response from <url> larger than <n> bytes`.
 */
export class RestClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    maxSockets: number,
    private readonly limits: RestLimits,
  ) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: false });
  }

  /** Sends `call` to `url`; resolves with the answer whatever its status. */
  request(url: URL, call: RestCall): Promise<RestAnswer> {
    const { timeoutMs, maxResponseBytes } = this.limits;
    const secure = url.protocol === 'https:';
    const headers: Record<string, string | number> = { ...call.headers };
    if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body);
    return new Promise<RestAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, answer?: RestAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
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
      req.on('error', (err) =>
        finish(
          new Error(`cannot reach ${url.href}: ${socketErrorReason(err) ?? err.message}`, { cause: err }),
        ),
      );
      req.on('response', (res) => {
        const tooLarge = (): Error =>
          new Error(`response from ${url.href} larger than ${maxResponseBytes} bytes`);
        if (Number(res.headers['content-length']) > maxResponseBytes) return finish(tooLarge());
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
        res.on('error', (err) => finish(new Error(`cannot reach ${url.href}: ${err.message}`)));
        res.on('close', () => {
          if (!res.complete) finish(new Error(`cannot reach ${url.href}: response incomplete`));
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
