import * as grpc from '@grpc/grpc-js';
import type { LambdaResponse } from '../messages.js';
import { StatusError } from '../rpc-error.js';
import { RpcServer, service } from '../rpc-server.js';
import type { TlsCredentials } from '../tls-credentials.js';

/** Default most callbacks held until taken; beyond, new ones are refused (the sender is told). */
export const DEFAULT_MAX_QUEUED_CALLBACKS = 1000;
/** Default most bytes (texts, dataouts, states) of the callbacks held: 64 MiB. */
export const DEFAULT_MAX_QUEUED_CALLBACK_BYTES = 64 * 1024 * 1024;

/**
 * The bytes a callback holds: its texts (retcode, output, responder), dataout and states (key, name,
 * location, content). Counting only output, dataout and contents let 1,000 callbacks of a 4 MB retcode
 * each (4 GB) into a queue of 64 MiB.
 */
function responseBytes(res: LambdaResponse): number {
  let bytes = res.retcode.length + res.output.length + res.responder.length + res.dataout.length;
  for (const [key, s] of Object.entries(res.states))
    bytes += key.length + s.name.length + s.location.length + s.content.length;
  return bytes;
}

/**
 * A running CallbackServer (`uiiit.rpc.CallbackServer.ReceiveResponse`, spec §11.4): the responses it
 * receives queue up, in order, until taken with {@link next}.
 */
export interface CallbackServer {
  /** The endpoint actually bound (with the real port when asked for port 0). */
  readonly endpoint: string;
  /** Callbacks queued and not yet taken. */
  readonly queued: number;
  /**
   * The next callback in arrival order; undefined if none arrives within `timeoutMs` (undefined: wait
   * as long as it takes) or once `signal` aborts or the server stops.
   */
  next(timeoutMs?: number, signal?: AbortSignal): Promise<LambdaResponse | undefined>;
  /** Drops the callbacks queued (late ones of requests no longer waited for); returns how many. */
  drain(): number;
  stop(): Promise<void>;
}

/**
 * Serves the CallbackServer service on `endpoint` (port 0: any free port). At most `maxQueued`
 * callbacks, of at most `maxQueuedBytes` in all, wait to be taken; one more is refused with
 * RESOURCE_EXHAUSTED (`callback queue full`); one is always let in when none waits.
 */
export async function startCallbackServer(
  endpoint: string,
  options: { maxQueued?: number; maxQueuedBytes?: number; tls?: TlsCredentials | undefined } = {},
): Promise<CallbackServer> {
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED_CALLBACKS;
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_CALLBACK_BYTES;
  const queue: LambdaResponse[] = [];
  let queuedBytes = 0;
  const take = (): LambdaResponse | undefined => {
    const res = queue.shift();
    if (res !== undefined) queuedBytes -= responseBytes(res);
    return res;
  };
  const waiters = new Set<(res: LambdaResponse | undefined) => void>();
  const order: ((res: LambdaResponse | undefined) => void)[] = [];
  let stopped = false;
  const server = await RpcServer.start(
    endpoint,
    [
      service('uiiit.rpc.CallbackServer', {
        ReceiveResponse: (res) => {
          const waiter = order.shift();
          if (waiter !== undefined) {
            waiters.delete(waiter);
            waiter(res);
          } else {
            const bytes = responseBytes(res);
            const tooMany = queue.length > 0 && queuedBytes + bytes > maxQueuedBytes;
            if (queue.length >= maxQueued || tooMany) {
              throw new StatusError(grpc.status.RESOURCE_EXHAUSTED, 'callback queue full');
            }
            queue.push(res);
            queuedBytes += bytes;
          }
          return {};
        },
      }),
    ],
    { tls: options.tls },
  );
  return {
    endpoint: server.endpoint,
    get queued() {
      return queue.length;
    },
    next(timeoutMs, signal) {
      const first = take();
      if (first !== undefined) return Promise.resolve(first);
      if (stopped || signal?.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const done = (res: LambdaResponse | undefined): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          waiters.delete(done);
          const i = order.indexOf(done);
          if (i >= 0) order.splice(i, 1);
          resolve(res);
        };
        const onAbort = (): void => done(undefined);
        const timer = timeoutMs === undefined ? undefined : setTimeout(onAbort, timeoutMs);
        signal?.addEventListener('abort', onAbort);
        waiters.add(done);
        order.push(done);
      });
    },
    drain() {
      queuedBytes = 0;
      return queue.splice(0).length;
    },
    async stop() {
      stopped = true;
      for (const w of [...waiters]) w(undefined);
      await server.stop();
    },
  };
}
