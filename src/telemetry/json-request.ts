import http from 'node:http';
import https from 'node:https';

/** An answer: its status and at most {@link MAX_ANSWER_BYTES} of its body. */
export interface JsonAnswer {
  status: number;
  text: string;
}

/** Bytes of an answer's body kept (the rest is read and discarded). */
export const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * A small HTTP(S) JSON client of one server over one kept-alive connection, where every request has a
 * deadline: past `timeoutMs` its socket is destroyed and the promise rejects with `timed out after N ms`.
 * {@link close} aborts what is in flight.
 */
export class JsonRequester {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(
    base: string,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly timeoutMs: number,
  ) {
    this.base = new URL(base);
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** Sends `method path` with `body` as JSON (if given); resolves to the answer whatever its status. */
  request(method: string, path: string, body?: unknown): Promise<JsonAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      const req = send(url, { method, agent: this.agent, headers });
      this.inFlight.add(req);
      const timer = setTimeout(
        () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
      const done = (): void => {
        clearTimeout(timer);
        this.inFlight.delete(req);
      };
      req.on('error', (err) => {
        done();
        reject(err);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let length = 0;
        res.on('data', (chunk: Buffer) => {
          if (length < MAX_ANSWER_BYTES) chunks.push(chunk);
          length += chunk.length;
        });
        res.on('end', () => {
          done();
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8'),
          });
        });
        res.on('error', (err) => {
          done();
          reject(err);
        });
      });
      req.end(payload);
    });
  }

  /** Aborts the requests in flight and closes the connection. */
  close(): void {
    for (const req of this.inFlight) req.destroy(new Error('closed'));
    this.agent.destroy();
  }
}
