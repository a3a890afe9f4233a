import type { LambdaResponse } from '../messages.js';
import { RpcClient } from '../rpc-client.js';
import type { TlsCredentials } from '../tls-credentials.js';

/** How a {@link CallbackSender} delivers. */
export interface CallbackSenderOptions {
  /** Attempts per callback before giving up (default 3). */
  attempts?: number;
  /** Milliseconds one attempt may take (default 5000). */
  timeoutMs?: number;
  /** Milliseconds before the second attempt, doubled before each further one (default 200). */
  backoffMs?: number;
  tls?: TlsCredentials | undefined;
}

/** Most CallbackServer channels kept open. */
const MAX_CHANNELS = 32;

/**
 * Sends callbacks (`CallbackServer.ReceiveResponse`) to the endpoints requests name: bounded attempts,
 * each bounded in time, so that a dead or slow endpoint costs at most attempts × (timeout + backoff).
 */
export class CallbackSender {
  private readonly clients = new Map<string, RpcClient<'uiiit.rpc.CallbackServer'>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private closed = false;
  /** Fired by {@link close}: cancels the calls in progress. */
  private readonly closing = new AbortController();
  readonly attempts: number;
  readonly timeoutMs: number;
  readonly backoffMs: number;

  constructor(private readonly options: CallbackSenderOptions = {}) {
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.backoffMs = options.backoffMs ?? 200;
  }

  /** Delivers `response` to the CallbackServer at `endpoint`; rejects with the last failure. */
  async send(endpoint: string, response: LambdaResponse): Promise<void> {
    let last: unknown;
    for (let attempt = 0; attempt < this.attempts && !this.closed; attempt++) {
      if (attempt > 0) await this.pause(this.backoffMs * 2 ** (attempt - 1));
      if (this.closed) break;
      try {
        await this.client(endpoint).call('ReceiveResponse', response, {
          timeoutMs: this.timeoutMs,
          signal: this.closing.signal,
        });
        return;
      } catch (err) {
        last = err;
      }
    }
    throw last instanceof Error ? last : new Error('callback sender closed');
  }

  /** Cancels the calls in progress, cuts short the pauses between attempts and closes every channel. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  private client(endpoint: string): RpcClient<'uiiit.rpc.CallbackServer'> {
    let client = this.clients.get(endpoint);
    if (client !== undefined) {
      this.clients.delete(endpoint);
    } else {
      client = new RpcClient('uiiit.rpc.CallbackServer', endpoint, { tls: this.options.tls });
      if (this.clients.size >= MAX_CHANNELS) {
        const [oldest, old] = this.clients.entries().next().value as [
          string,
          RpcClient<'uiiit.rpc.CallbackServer'>,
        ];
        this.clients.delete(oldest);
        old.close();
      }
    }
    this.clients.set(endpoint, client);
    return client;
  }
}
