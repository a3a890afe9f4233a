import { startLambdaServer } from '../../protocol/edge-server.js';
import { RpcServer, service } from '../../protocol/rpc-server.js';
import { configureFromWire } from '../configure-rules.js';
import { isOwnEndpoint } from '../own-endpoint.js';
import { EdgeRouter, type EdgeRouterOptions } from './edge-router.js';

/** A running e-router: its logic and its two gRPC servers. */
export interface RouterServer {
  readonly router: EdgeRouter;
  /** Bound lambda (EdgeServer) endpoint. */
  readonly endpoint: string;
  /** Bound forwarding-table (EdgeRouter) endpoint. */
  readonly configurationEndpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts an e-router: the forwarding-table configuration server first, then the lambda server
 * (port 0 picks free ports); both over TLS when `options.tls` is given.
 */
export async function startRouterServer(
  serverEndpoint: string,
  configurationEndpoint: string,
  options: EdgeRouterOptions,
): Promise<RouterServer> {
  if (serverEndpoint === '') throw new Error('Empty edge router end-point: ');
  if (configurationEndpoint === '') throw new Error('Empty forwarding table end-point: ');
  const router = new EdgeRouter(options);
  let config: RpcServer | undefined;
  // Routes to itself are refused: by the end-point asked for until the lambda server is bound, then by the bound one.
  let own = serverEndpoint;
  const isOwn = (destination: string): boolean => isOwnEndpoint(destination, own);
  try {
    config = await RpcServer.start(
      configurationEndpoint,
      [
        service('uiiit.rpc.EdgeRouter', {
          Configure: (conf) => configureFromWire(conf, isOwn, (c) => router.configure(c)),
          GetTable: (id) => router.table(id.value),
          GetNumTables: () => ({ value: router.tables.length }),
        }),
      ],
      { tls: options.tls },
    );
    const lambda = await startLambdaServer(serverEndpoint, (req, call) => router.process(req, call), {
      tls: options.tls,
    });
    own = lambda.endpoint;
    const cfg = config;
    return {
      router,
      endpoint: lambda.endpoint,
      configurationEndpoint: cfg.endpoint,
      async stop() {
        await Promise.all([lambda.stop(), cfg.stop()]);
        router.close();
      },
    };
  } catch (err) {
    await config?.stop(0);
    router.close();
    throw err;
  }
}
