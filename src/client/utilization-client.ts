import type { Utilization } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';

/**
 * Subscribes to a computer's utilization stream (EdgeComputer.StreamUtil), over TLS if given `tls`; ends
 * when the stream ends.
 */
export async function* streamUtilization(
  endpoint: string,
  signal?: AbortSignal,
  tls?: TlsCredentials,
): AsyncGenerator<Utilization> {
  const client = new RpcClient('uiiit.rpc.EdgeComputer', endpoint, { tls });
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
