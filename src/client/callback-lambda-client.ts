import type { CallbackServer } from '../protocol/callback/callback-server.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { errorResponse } from '../protocol/responses.js';
import type { LambdaClient } from './lambda-client.js';

/** Default seconds a client waits for a callback (`edgeclient --callback-timeout`). */
export const DEFAULT_CALLBACK_TIMEOUT = 60;

/** The retcode of a request whose callback did not come in time. */
export function noCallback(seconds: number): string {
  return `no callback received within ${seconds} s`;
}

/**
 * A {@link LambdaClient} whose requests are asynchronous (spec §7.2, `edgeclient --callback-endpoint`):
 * each carries `callback` = the CallbackServer's endpoint; the immediate `asynchronous` ack is not the
 * answer: the callback that arrives next is (one request at a time). A refused request (not OK) or a
 * synchronous answer (a dry run) is the answer itself; no callback within `timeoutSeconds` answers
 * `no callback received within <t> s`. Callbacks left over from an earlier request are dropped.
 */
export class CallbackLambdaClient implements LambdaClient {
  constructor(
    private readonly inner: LambdaClient,
    private readonly callbacks: CallbackServer,
    private readonly timeoutSeconds = DEFAULT_CALLBACK_TIMEOUT,
    private readonly signal?: AbortSignal,
  ) {}

  async runLambda(request: Partial<LambdaRequest>, dry = false): Promise<LambdaResponse> {
    this.callbacks.drain();
    const ack = await this.inner.runLambda({ ...request, callback: this.callbacks.endpoint }, dry);
    if (ack.retcode !== 'OK' || !ack.asynchronous) return ack;
    const res = await this.callbacks.next(this.timeoutSeconds * 1000, this.signal);
    return res ?? errorResponse(noCallback(this.timeoutSeconds), ack.hops);
  }

  close(): void {
    this.inner.close();
  }
}
