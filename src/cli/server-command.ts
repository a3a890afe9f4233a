import { ControllerRegistration, type Registrant } from '../controller/controller-registration.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { Conf } from '../support/conf.js';
import type { Logger } from '../support/logger.js';
import { defineOptions, type OptionSpec, type OptionValues } from '../support/options.js';
import { TELEMETRY_OPTIONS } from '../telemetry/component-telemetry.js';
import { SECURE_OPTIONS } from './secure-option.js';
import { untilSignal } from './shutdown.js';

/** The lambda-server options every server command (computer, router, dispatcher) has, first in its list. */
export const LAMBDA_SERVER_OPTIONS = defineOptions([
  {
    name: 'server-endpoint',
    kind: 'string',
    default: '0.0.0.0:6473',
    description: 'lambda server end-point (port 0: any free port)',
  },
  {
    name: 'controller-endpoint',
    kind: 'string',
    default: '',
    description: 'edge controller end-point; empty: do not announce',
  },
  {
    name: 'num-threads',
    kind: 'integer',
    default: 5,
    description: 'number of lambda server threads (kept for compatibility; must be > 0)',
  },
  {
    name: 'server-conf',
    kind: 'string',
    default: 'type=grpc',
    description: 'lambda server (and client) configuration: type=grpc',
  },
]);

/** The options {@link fakeFill} reads. */
const FAKE_FILL_OPTIONS = defineOptions([
  {
    name: 'fake-num-lambdas',
    kind: 'integer',
    default: 0,
    description: 'pre-load the (overall) table with lambda0..lambda{N-1}',
  },
  {
    name: 'fake-num-destinations',
    kind: 'integer',
    default: 0,
    description: 'destinations 127.0.0.1:0..{M-1} of each fake lambda',
  },
]);

/** Options of the brokers (router, dispatcher) around their own table options. */
export function brokerOptions<const TableSpecs extends readonly OptionSpec[]>(
  tableOptions: TableSpecs,
  defaultRouterConf: string,
) {
  const [server, ...rest] = LAMBDA_SERVER_OPTIONS;
  return defineOptions([
    server,
    {
      name: 'configuration-endpoint',
      kind: 'string',
      default: '0.0.0.0:6474',
      description: 'forwarding-table configuration end-point',
    },
    ...rest,
    ...tableOptions,
    {
      name: 'router-conf',
      kind: 'string',
      default: defaultRouterConf,
      description: 'max-pending-clients, min/max-forward-time (s), fake=true|false',
    },
    ...FAKE_FILL_OPTIONS,
    ...SECURE_OPTIONS,
    ...TELEMETRY_OPTIONS,
  ]);
}

/** Checks the common lambda-server options: threads > 0, the gRPC transport. */
export function checkLambdaServerOptions(o: OptionValues<typeof LAMBDA_SERVER_OPTIONS>): void {
  if (o['num-threads'] <= 0) throw new Error('Cannot spawn 0 threads');
  const transport = Conf.parse(o['server-conf']).get('type');
  if (transport !== 'grpc')
    throw new Error(`Invalid server type: ${transport} (this release supports: grpc)`);
}

/** Calls `change(lambda, destination)` for the `--fake-num-lambdas` × `--fake-num-destinations` pairs. */
export function fakeFill(
  o: OptionValues<typeof FAKE_FILL_OPTIONS>,
  change: (lambda: string, destination: string) => void,
): void {
  for (let l = 0; l < o['fake-num-lambdas']; l++) {
    for (let d = 0; d < o['fake-num-destinations']; d++) change(`lambda${l}`, `127.0.0.1:${d}`);
  }
}

/** A registrant that changes at run time (a computer whose lambdas are deployed and removed). */
export interface RegistrantChanges {
  /** What it is now. */
  current(): Registrant;
  /** Calls `listener` on every change; returns what unsubscribes it. */
  onChange(listener: () => void): () => void;
}

/**
 * The life of a server command once it listens: registers with the controller if one is given (retrying
 * until it answers; over TLS with `tls`; announcing again on every one of `changes`), waits for
 * SIGINT/SIGTERM (`stopped`: the caller's {@link untilSignal}, made before it said it listens, so that a
 * stop sent on that line is not missed), unregisters and stops the servers; resolves to exit status 0.
 */
export async function serveUntilSignal(
  o: Pick<OptionValues<typeof LAMBDA_SERVER_OPTIONS>, 'controller-endpoint'>,
  registrant: Registrant,
  stop: () => Promise<void>,
  log: Logger,
  tls?: TlsCredentials,
  changes?: RegistrantChanges,
  stopped: Promise<NodeJS.Signals> = untilSignal(),
): Promise<number> {
  const controller = o['controller-endpoint'];
  const registration =
    controller === '' ? undefined : new ControllerRegistration(controller, registrant, { tls });
  const unsubscribe = changes?.onChange(() => registration?.update(changes.current()));
  const signal = await stopped;
  log.info(`${signal} received, shutting down`);
  unsubscribe?.();
  await registration?.unregister();
  await stop();
  return 0;
}
