import { request } from 'node:http';

/** What a REST client sent: for tests that check the requests against the ETSI document. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** An answer to a {@link httpJson} request. */
export interface JsonAnswer {
  status: number;
  /** The parsed JSON body, undefined if empty or not JSON. */
  body: unknown;
  /** The local address of the connection (the address the server saw the client at). */
  localAddress: string;
}

/** Largest answer body read, in bytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Sends an HTTP request with an optional JSON body and reads the answer (at most 1 MiB), failing after
 * `timeoutMs`. `localAddress` binds the client side of the connection.
 */
export function httpJson(
  method: string,
  url: string,
  body: unknown,
  options: { timeoutMs: number; localAddress?: string; observe?: (sent: SentRequest) => void },
): Promise<JsonAnswer> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> =
    text === undefined
      ? {}
      : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) };
  options.observe?.({ method, url, headers, ...(body !== undefined ? { body } : {}) });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers,
        timeout: options.timeoutMs,
        ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES)
            req.destroy(new Error(`answer of ${url} larger than ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            parsed = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            localAddress: req.socket?.localAddress ?? '',
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}
