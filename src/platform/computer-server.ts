import { startLambdaServer } from '../protocol/edge-server.js';
import type { LambdaCall } from '../protocol/lambda-transport.js';
import type { LambdaRequest } from '../protocol/messages.js';
import { RpcServer, service } from '../protocol/rpc-server.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { startStateServer, type StateServer } from '../protocol/state/state-server.js';
import { localStates, StateClient } from '../protocol/state/state-client.js';
import type { StateLimits } from '../protocol/state/state-store.js';
import { logger } from '../support/logger.js';
import type { ComputerStats } from '../telemetry/computer-stats.js';
import { CompositionFront, type CompositionOptions } from './composition/composition-front.js';
import type { Computer } from './computer.js';
import { computerTypes, type RunningComputer } from './computer-types.js';
import { SimComputer } from './sim-computer-type.js';

const log = logger('computer');

/** Where to serve an edge computer of any type. */
export interface ComputerEndpoints {
  /** Lambda (EdgeServer) endpoint, `host:port`; port 0 picks a free one. */
  serverEndpoint: string;
  /** Utilization stream (EdgeComputer) endpoint; empty disables it. */
  utilizationEndpoint: string;
  /** Seconds between utilization samples (default 1). */
  samplePeriod?: number;
  /** Serve both endpoints over TLS with this material (`--secure`); default: in clear. */
  tls?: TlsCredentials | undefined;
  /** Asynchronous invocations, chains/DAGs and states (spec §5.7, §11); default: none of them. */
  composition?: ComputerComposition;
  /** Where every call's outcome and the utilization samples are counted, for telemetry (default: nowhere). */
  stats?: ComputerStats | undefined;
}

/** The composition settings of a computer: {@link CompositionOptions} plus its state server. */
export interface ComputerComposition extends Omit<CompositionOptions, 'states' | 'stateEndpoint' | 'tls'> {
  /** `--state-endpoint`: the computer's state server; '' or undefined: none. */
  stateEndpoint?: string;
  /** Start the state server there (false: `--no-state-server`, it runs elsewhere); default true. */
  stateServer?: boolean;
  /** Bounds of the embedded state server. */
  stateLimits?: StateLimits;
}

/** A running edge computer of any type and its gRPC servers. */
export interface EdgeComputerServer<T extends RunningComputer = RunningComputer> {
  readonly computer: T;
  /** Bound lambda endpoint (real port). */
  readonly endpoint: string;
  /** Bound utilization endpoint, or '' if disabled. */
  readonly utilizationEndpoint: string;
  /** Bound endpoint of the embedded state server, or the remote one's, or '' if none. */
  readonly stateEndpoint: string;
  /** The composition front: asynchronous invocations and states of every request. */
  readonly front: CompositionFront;
  stop(): Promise<void>;
}

/**
 * Serves a computer: RunLambda on the lambda endpoint, StreamUtil on the utilization endpoint. The
 * computer, made by `start`, is named `computer@<lambda endpoint>`, with the real port when port 0 was
 * asked for. Both servers are over TLS when `options.tls` is given.
 */
export async function serveComputer<T extends RunningComputer>(
  options: ComputerEndpoints,
  start: (name: string) => Promise<T>,
): Promise<EdgeComputerServer<T>> {
  const comp = options.composition ?? {};
  const wantedStateEndpoint = comp.stateEndpoint ?? '';
  const stateServer: StateServer | undefined =
    wantedStateEndpoint !== '' && comp.stateServer !== false
      ? await startStateServer(wantedStateEndpoint, { limits: comp.stateLimits, tls: options.tls })
      : undefined;
  const stateEndpoint = stateServer?.endpoint ?? wantedStateEndpoint;
  const remoteStates =
    stateServer === undefined && stateEndpoint !== ''
      ? new StateClient(stateEndpoint, { tls: options.tls })
      : undefined;
  // The computer is named after the bound endpoint, so it is created once the lambda server listens.
  const ready: { computer?: T } = {};
  const front = new CompositionFront(
    (req, call) => {
      if (ready.computer === undefined) throw new Error('computer not ready');
      return ready.computer.process(req, call);
    },
    {
      ...comp,
      stateEndpoint,
      states: stateServer !== undefined ? localStates(stateServer.store) : remoteStates,
      tls: options.tls,
    },
  );
  const stopStates = async (): Promise<void> => {
    await front.stop();
    remoteStates?.close();
    await stateServer?.stop();
  };
  let lambdaServer;
  try {
    const stats = options.stats;
    const serve =
      stats === undefined
        ? (req: LambdaRequest, call?: LambdaCall) => front.process(req, call)
        : async (req: LambdaRequest, call?: LambdaCall) => {
            const res = await front.process(req, call);
            if (!req.dry) {
              const ok = res.retcode === 'OK';
              stats.call(req.name, ok, res.ptime / 1000, res.load1 / 100, res.load10 / 100, res.load30 / 100);
            }
            return res;
          };
    lambdaServer = await startLambdaServer(options.serverEndpoint, serve, { tls: options.tls });
  } catch (err) {
    await stopStates();
    throw err;
  }
  front.setEndpoint(lambdaServer.endpoint);
  let computer: T;
  try {
    computer = await start(`computer@${lambdaServer.endpoint}`);
  } catch (err) {
    await Promise.all([lambdaServer.stop(0), stopStates()]);
    throw err;
  }
  let utilServer: RpcServer | undefined;
  try {
    if (options.utilizationEndpoint !== '') {
      utilServer = await RpcServer.start(
        options.utilizationEndpoint,
        [
          service('uiiit.rpc.EdgeComputer', {
            StreamUtil: (call) => {
              const unsubscribe = computer.onUtilization((values) => {
                call.write({ values });
              });
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
    await Promise.all([computer.stop(), lambdaServer.stop(0), stopStates()]);
    throw err;
  }
  ready.computer = computer;
  const stats = options.stats;
  const unsubscribeStats =
    stats === undefined ? undefined : computer.onUtilization((values) => stats.utilizationSample(values));
  log.debug(1, () => `computer description:\n${computer.describe().join('\n')}`);
  return {
    computer,
    endpoint: lambdaServer.endpoint,
    utilizationEndpoint: utilServer?.endpoint ?? '',
    stateEndpoint,
    front,
    async stop() {
      unsubscribeStats?.();
      await Promise.all([lambdaServer.stop(), utilServer?.stop()]);
      await stopStates();
      await computer.stop();
    },
  };
}

/** Where and how to run an edge computer of a registered type. */
export interface TypedComputerServerOptions extends ComputerEndpoints {
  /** The `--computer-type` name (sim, js, ...). */
  type: string;
  /** The type's settings by option name (see ComputerTypeOptions.settings). */
  settings: Readonly<Record<string, string>>;
}

/**
 * Starts an edge computer of a registered type (`unknown edge computer type: <t>` otherwise) and serves
 * it as {@link serveComputer} does.
 */
export async function startTypedComputerServer(
  options: TypedComputerServerOptions,
): Promise<EdgeComputerServer> {
  const type = computerTypes.get(options.type);
  return serveComputer(options, (name) =>
    type.start({ name, settings: options.settings, samplePeriod: options.samplePeriod }),
  );
}

/** Where and how to run a simulated edge computer. */
export interface ComputerServerOptions extends ComputerEndpoints {
  /** Composer profile conf string, e.g. `type=raspberry,num-cpu-containers=1,...`. */
  conf: string;
}

/** A running simulated edge computer: its model and its gRPC servers. */
export interface ComputerServer {
  readonly computer: Computer;
  /** Bound lambda endpoint (real port). */
  readonly endpoint: string;
  /** Bound utilization endpoint, or '' if disabled. */
  readonly utilizationEndpoint: string;
  /** Bound endpoint of its state server, or '' if none. */
  readonly stateEndpoint: string;
  /** Its composition front (asynchronous invocations, states). */
  readonly front: CompositionFront;
  stop(): Promise<void>;
}

/**
 * Starts a simulated edge computer: builds the model from the profile, serves RunLambda and StreamUtil
 * (utilization is sampled from start-up); `computer` is the model.
 */
export async function startComputerServer(options: ComputerServerOptions): Promise<ComputerServer> {
  const server = await serveComputer(options, (name) =>
    Promise.resolve(new SimComputer(name, options.conf, options.samplePeriod ?? 1)),
  );
  return {
    computer: server.computer.model,
    endpoint: server.endpoint,
    utilizationEndpoint: server.utilizationEndpoint,
    stateEndpoint: server.stateEndpoint,
    front: server.front,
    stop: () => server.stop(),
  };
}
