import { startLambdaServer } from '../../protocol/edge-server.js';
import { RpcServer, service } from '../../protocol/rpc-server.js';
import { configureFromWire } from '../configure-rules.js';
import { isOwnEndpoint } from '../own-endpoint.js';
import { EdgeDispatcher, type EdgeDispatcherOptions } from './dispatcher.js';

/** A running e-dispatcher: its logic and its two gRPC servers. */
export interface DispatcherServer {
  readonly dispatcher: EdgeDispatcher;
  /** Bound lambda (EdgeServer) endpoint. */
  readonly endpoint: string;
  /** Bound table configuration (EdgeRouter) endpoint. */
  readonly configurationEndpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts an e-dispatcher: the table configuration server (EdgeRouter service, one table) first, then
 * the lambda server (port 0 picks free ports); both over TLS when `options.tls` is given.
 */
export async function startDispatcherServer(
  serverEndpoint: string,
  configurationEndpoint: string,
  options: EdgeDispatcherOptions,
): Promise<DispatcherServer> {
  if (serverEndpoint === '') throw new Error('Empty edge router end-point: ');
  if (configurationEndpoint === '') throw new Error('Empty forwarding table end-point: ');
  const dispatcher = new EdgeDispatcher(options);
  let config: RpcServer | undefined;
  // Routes to itself are refused: by the end-point asked for until the lambda server is bound, then by the bound one.
  let own = serverEndpoint;
  const isOwn = (destination: string): boolean => isOwnEndpoint(destination, own);
  try {
    config = await RpcServer.start(
      configurationEndpoint,
      [
        service('uiiit.rpc.EdgeRouter', {
          Configure: (conf) => configureFromWire(conf, isOwn, (c) => dispatcher.configure(c)),
          GetTable: (id) => dispatcher.tableMessage(id.value),
          GetNumTables: () => ({ value: 1 }),
        }),
      ],
      { tls: options.tls },
    );
    const lambda = await startLambdaServer(serverEndpoint, (req, call) => dispatcher.process(req, call), {
      tls: options.tls,
    });
    own = lambda.endpoint;
    const cfg = config;
    return {
      dispatcher,
      endpoint: lambda.endpoint,
      configurationEndpoint: cfg.endpoint,
      async stop() {
        await Promise.all([lambda.stop(), cfg.stop()]);
        dispatcher.close();
      },
    };
  } catch (err) {
    await config?.stop(0);
    dispatcher.close();
    throw err;
  }
}
