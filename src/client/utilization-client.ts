import type { Utilization } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';

/** Subscribes to a computer's utilization stream (EdgeComputer.StreamUtil); ends when the stream ends. */
export async function* streamUtilization(
  endpoint: string,
  signal?: AbortSignal,
): AsyncGenerator<Utilization> {
  const client = new RpcClient('uiiit.rpc.EdgeComputer', endpoint);
  const stream = client.stream('StreamUtil', {});
  const onAbort = (): void => {
    void stream.return(undefined);
  };
  signal?.addEventListener('abort', onAbort);
  try {
    yield* stream;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    client.close();
  }
}
