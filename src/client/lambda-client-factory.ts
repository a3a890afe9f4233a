import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { Conf } from '../support/conf.js';
import { Random } from '../support/random.js';
import { GrpcLambdaClient } from './lambda-client-grpc.js';
import { MultiLambdaClient } from './lambda-client-multi.js';
import type { LambdaClient } from './lambda-client.js';

/**
 * Builds the client for a set of endpoints and a `--client-conf` (`type=grpc,persistence=<p>`): one
 * endpoint → a plain gRPC client; several → a {@link MultiLambdaClient}, which requires `persistence`.
 * With `tls`, over TLS.
 */
export function createLambdaClient(
  endpoints: readonly string[],
  confText: string,
  random?: Random,
  tls?: TlsCredentials,
): LambdaClient {
  const conf = Conf.parse(confText);
  const type = conf.get('type');
  if (type !== 'grpc') throw new Error(`Unknown client type: ${type}`);
  if (endpoints.length === 0)
    throw new Error('Cannot create an edge client with an empty set of destinations');
  if (endpoints.length === 1) return new GrpcLambdaClient(endpoints[0]!, { tls });
  return new MultiLambdaClient(endpoints, conf.getDouble('persistence'), random, tls);
}
