import { startLambdaServer } from '../protocol/edge-server.js';
import { RpcServer, service } from '../protocol/rpc-server.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { logger } from '../support/logger.js';
import { Computer } from './computer.js';
import { compose } from './composer.js';
import { EdgeComputer } from './edge-computer.js';

const log = logger('computer');

/** Where and how to run a simulated edge computer. */
export interface ComputerServerOptions {
  /** Lambda (EdgeServer) endpoint, `host:port`; port 0 picks a free one. */
  serverEndpoint: string;
  /** Utilization stream (EdgeComputer) endpoint; empty disables it. */
  utilizationEndpoint: string;
  /** Composer profile conf string, e.g. `type=raspberry,num-cpu-containers=1,...`. */
  conf: string;
  /** Seconds between utilization samples (default 1). */
  samplePeriod?: number;
  /** Serve both endpoints over TLS with this material (`--secure`); default: in clear. */
  tls?: TlsCredentials | undefined;
}

/** A running simulated edge computer: its model and its gRPC servers. */
export interface ComputerServer {
  readonly computer: Computer;
  /** Bound lambda endpoint (real port). */
  readonly endpoint: string;
  /** Bound utilization endpoint, or '' if disabled. */
  readonly utilizationEndpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts a simulated edge computer: builds the model from the profile, serves RunLambda on the lambda
 * endpoint and StreamUtil on the utilization endpoint (utilization is sampled from start-up). The
 * computer is named `computer@<lambda endpoint>`, with the real port when port 0 was asked for. Both
 * servers are over TLS when `options.tls` is given.
 */
export async function startComputerServer(options: ComputerServerOptions): Promise<ComputerServer> {
  // The computer is named after the bound endpoint, so it is created once the lambda server listens.
  const ready: { edge?: EdgeComputer } = {};
  const lambdaServer = await startLambdaServer(
    options.serverEndpoint,
    (req) => {
      if (ready.edge === undefined) throw new Error('computer not ready');
      return ready.edge.process(req);
    },
    { tls: options.tls },
  );
  let computer: Computer;
  let utilServer: RpcServer | undefined;
  try {
    computer = new Computer(`computer@${lambdaServer.endpoint}`, options.samplePeriod ?? 1);
    compose(computer, options.conf);
    if (options.utilizationEndpoint !== '') {
      utilServer = await RpcServer.start(
        options.utilizationEndpoint,
        [
          service('uiiit.rpc.EdgeComputer', {
            StreamUtil: (call) => {
              const send = (values: Record<string, number>): void => {
                call.write({ values });
              };
              computer.on('utilization', send);
              const unsubscribe = (): void => {
                computer.off('utilization', send);
              };
              call.on('cancelled', unsubscribe);
              call.on('close', unsubscribe);
              call.on('error', unsubscribe);
            },
          }),
        ],
        { tls: options.tls },
      );
    }
  } catch (err) {
    await lambdaServer.stop(0);
    throw err;
  }
  ready.edge = new EdgeComputer(computer);
  log.debug(1, () => `computer description:\n${computer.toString()}`);
  return {
    computer,
    endpoint: lambdaServer.endpoint,
    utilizationEndpoint: utilServer?.endpoint ?? '',
    async stop() {
      computer.close();
      await Promise.all([lambdaServer.stop(), utilServer?.stop()]);
    },
  };
}
