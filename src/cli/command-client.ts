import { hostname } from 'node:os';
import { CallbackLambdaClient, DEFAULT_CALLBACK_TIMEOUT } from '../client/callback-lambda-client.js';
import { startClientServers } from '../client/client-servers.js';
import { INTER_REQUEST_TYPES } from '../client/inter-request.js';
import { createLambdaClient } from '../client/lambda-client-factory.js';
import type { LambdaClient } from '../client/lambda-client.js';
import { Random } from '../support/random.js';
import { compositionFromConf, type Composition } from '../client/composition-conf.js';
import { compositionExecution } from '../client/composition-execution.js';
import { runLoadClient } from '../client/load-client.js';
import { AppContextManager } from '../mec/app-context-manager.js';
import { EtsiEdgeClient } from '../mec/etsi-edge-client.js';
import { logger } from '../support/logger.js';
import { formatG } from '../support/number-format.js';
import { Saver } from '../support/saver.js';
import { defineCommand } from './command.js';
import { defineOptions, type OptionValues } from '../support/options.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';
import { TELEMETRY_OPTIONS, wantsTelemetry } from '../telemetry/component-telemetry.js';
import { TrafficStats } from '../telemetry/traffic-stats.js';
import { checkReportingOptions, startReporting } from './reporting.js';

const log = logger('client');

/** Splits a comma-separated option value, dropping empty items. */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseSizes(text: string): number[] {
  const sizes = commaList(text).map(Number);
  if (sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error('Invalid --sizes option');
  return sizes;
}

/** The options of `soe client`. */
const CLIENT_OPTIONS = defineOptions([
  {
    name: 'server-endpoints',
    kind: 'string',
    default: 'localhost:6473',
    description: 'comma-separated edge server end-points',
  },
  {
    name: 'client-conf',
    kind: 'string',
    default: 'type=grpc, persistence=0.05',
    description: 'client configuration',
  },
  { name: 'lambda', kind: 'string', default: 'clambda0', description: 'lambda function name' },
  {
    name: 'sizes',
    kind: 'string',
    default: '100',
    description: 'comma-separated input sizes, bytes (repetitions weigh)',
  },
  {
    name: 'content',
    kind: 'string',
    default: '',
    description: 'fixed input content; empty: {"input":"AAA…"} of the chosen size',
  },
  { name: 'output-file', kind: 'string', default: '/dev/stdout', description: 'output file; empty: none' },
  { name: 'duration', kind: 'number', default: 0, description: 'experiment duration, s; 0: unlimited' },
  {
    name: 'max-requests',
    kind: 'integer',
    default: '18446744073709551615',
    description: 'requests per thread',
  },
  { name: 'num-threads', kind: 'integer', default: 1, description: 'number of client threads' },
  { name: 'initial-delay', kind: 'number', default: 0, description: 'delay before the first request, s' },
  { name: 'inter-request-time', kind: 'number', default: 0, description: 'mean time between requests, s' },
  {
    name: 'inter-request-type',
    kind: 'string',
    default: 'constant',
    description: `inter-request time distribution: ${INTER_REQUEST_TYPES.join('|')}`,
  },
  {
    name: 'chain-conf',
    kind: 'string',
    default: '',
    description:
      'function chain: type=file,filename=F runs the chain of F (JSON: functions, dependencies, ' +
      'state-sizes), type=make-template writes chain-example.json and exits',
  },
  {
    name: 'dag-conf',
    kind: 'string',
    default: '',
    description:
      'function DAG: type=file,filename=F runs the DAG of F (JSON: successors, functionNames, ' +
      'dependencies, state-sizes), type=make-template writes dag-example.json and exits',
  },
  {
    name: 'callback-endpoint',
    kind: 'string',
    default: '',
    description:
      'asynchronous responses: start a CallbackServer here; each request carries it as callback, the ' +
      'immediate acknowledgement is ignored and the callback is the response (one thread only)',
  },
  {
    name: 'callback-timeout',
    kind: 'number',
    default: DEFAULT_CALLBACK_TIMEOUT,
    description: 'seconds to wait for each callback before counting the request as failed',
  },
  {
    name: 'state-endpoint',
    kind: 'string',
    default: '',
    description:
      'remote states: start a StateServer here (unless --no-state-server) holding the states of the ' +
      'chain or DAG, which requests reference by this location instead of carrying them',
  },
  {
    name: 'no-state-server',
    kind: 'flag',
    description: 'do not start a state server (requires --state-endpoint)',
  },
  { name: 'append', kind: 'flag', description: 'append to the output file instead of truncating it' },
  { name: 'dry', kind: 'flag', description: 'ask for processing-time estimates instead of executions' },
  {
    name: 'show-output',
    kind: 'flag',
    description:
      'print each response’s output on a line of its own after its line; a failed call prints ' +
      '`invalid response to <lambda>: <retcode>`',
  },
  { name: 'seed', kind: 'integer', default: 0, description: 'seed of the random draws' },
  {
    name: 'etsi-api-root',
    kind: 'string',
    default: '',
    description:
      'find the edge end-point through the ETSI MEC proxy at this API root (GS MEC 016 app contexts, ' +
      'following its notifications) instead of --server-endpoints; empty: do not',
  },
  ...SECURE_OPTIONS,
  ...TELEMETRY_OPTIONS,
]);

function validate(o: OptionValues<typeof CLIENT_OPTIONS>): void {
  if (o['chain-conf'] !== '' && o['dag-conf'] !== '')
    throw new Error('Cannot specify both a chain and a DAG');
  if (o['no-state-server'] && o['state-endpoint'] === '') {
    throw new Error('Cannot specify --no-state-server without --state-endpoint');
  }
  if (o['callback-endpoint'] !== '' && o['num-threads'] > 1) {
    throw new Error('With asynchronous responses it is currently not possible to have > 1 thread');
  }
  if (!(o['callback-timeout'] > 0)) {
    throw new Error(`Invalid --callback-timeout option: ${o['callback-timeout']}`);
  }
  if (!(o['num-threads'] >= 1)) throw new Error(`Invalid --num-threads option: ${o['num-threads']}`);
}

/** `soe client` / `edgeclient`: sends lambda requests at a given pace and prints one line per response. */
export const clientCommand = defineCommand({
  name: 'client',
  alias: 'edgeclient',
  summary: 'Send lambda requests to edge servers and print one line per response.',
  details:
    'Each OK response prints `<t> <latency> <load1> <responder> <lambda> <hops>` (t and latency in seconds; ' +
    'with --dry the 2nd column is the processing time the computer estimated). At the end each thread logs ' +
    '`latency <mean> +- <stddev>` and `processing <mean> +- <stddev>` (seconds, population std-dev). With ' +
    'several end-points, --client-conf needs persistence=<p>: each request also goes to every non-primary ' +
    'end-point with probability p and the first OK answer wins. Blanks around conf keys are ignored (the ' +
    'original rejected its own default, quirk Q4). With --show-output each OK line is followed by the ' +
    'response’s output as it is, on a line of its own (a newline added unless it ends with one), and a failed ' +
    'call prints `invalid response to <lambda>: <retcode>`, the text the original logs, where it printed ' +
    'nothing. With --chain-conf or --dag-conf the line names the application (`f1-f2-f1`; docs/composition.md). ' +
    'Without --callback-endpoint the client drives it: a chain calls each function in turn (input = previous ' +
    'output, each call carrying the states its function needs), a DAG calls every node whose ancestors ' +
    'completed, concurrently, with the original input; with several functions the line has an empty ' +
    'responder, load 0, and the hops and processing times summed over the calls. With --callback-endpoint ' +
    'one request carries the whole chain or DAG from computer to computer (hop by hop, through their ' +
    'companion routers) and the line is the callback of the last function (hops 2 per function). With ' +
    '--state-endpoint the states are put on that state server and travel by reference.',
  options: CLIENT_OPTIONS,
  async run(o) {
    validate(o);
    checkReportingOptions(o);
    let composition: Composition | undefined;
    if (o['chain-conf'] !== '' || o['dag-conf'] !== '') {
      const kind = o['chain-conf'] !== '' ? 'chain' : 'dag';
      composition = compositionFromConf(kind, o[`${kind}-conf`]);
      if (composition === undefined) return 0;
      log.info(`operating in function ${kind} mode, overriding the lambda name: ${o.lambda}`);
    }
    // With --secure the client's own callback and state servers serve TLS too, as the computers call them.
    const serves = o['callback-endpoint'] !== '' || (o['state-endpoint'] !== '' && !o['no-state-server']);
    const tls = tlsFromOptions(o, { serve: serves, call: true });
    const duration = o.duration;
    const saver = new Saver(o['output-file'], {
      timestamp: true,
      flush: duration === 0,
      append: o.append,
    });
    const etsiRoot = o['etsi-api-root'];
    const manager = etsiRoot === '' ? undefined : new AppContextManager({ apiRoot: etsiRoot });
    const servers = await startClientServers({
      callbackEndpoint: o['callback-endpoint'],
      stateEndpoint: o['state-endpoint'],
      noStateServer: o['no-state-server'],
      tls,
    });
    const { callbacks } = servers;
    if (callbacks !== undefined) log.info(`callback server listening on ${callbacks.endpoint}`);
    const traffic = wantsTelemetry(o) ? new TrafficStats() : undefined;
    const reporting = await startReporting(
      o,
      {
        type: 'edge-client',
        name: `${hostname()}:${process.pid}`,
        attributes: { targets: o['server-endpoints'], lambda: o.lambda },
        source: (traffic ?? new TrafficStats()).totals,
        log,
      },
      () => servers.stop(),
    );
    const baseClient = (thread: number): LambdaClient =>
      manager !== undefined
        ? new EtsiEdgeClient(manager, tls)
        : createLambdaClient(
            commaList(o['server-endpoints']),
            o['client-conf'],
            Random.fromSeeds(o.seed, thread, 2),
            tls,
          );
    try {
      const report = await runLoadClient({
        ...(manager !== undefined ? { makeClient: baseClient } : {}),
        ...(callbacks !== undefined
          ? {
              makeClient: (thread: number) =>
                new CallbackLambdaClient(baseClient(thread), callbacks, o['callback-timeout']),
            }
          : {}),
        ...(composition !== undefined
          ? {
              execute: compositionExecution(composition, {
                callback: callbacks?.endpoint ?? '',
                stateEndpoint: servers.stateEndpoint,
                tls,
              }),
            }
          : {}),
        endpoints: commaList(o['server-endpoints']),
        clientConf: o['client-conf'],
        lambda: o.lambda,
        sizes: parseSizes(o.sizes),
        content: o.content,
        duration,
        maxRequests: o['max-requests'],
        numThreads: o['num-threads'],
        initialDelay: o['initial-delay'],
        interRequestTime: o['inter-request-time'],
        interRequestType: o['inter-request-type'],
        dry: o.dry,
        seed: o.seed,
        saver,
        showOutput: o['show-output'],
        tls,
        traffic,
      });
      for (const t of report.threads) {
        log.info(`latency ${formatG(t.latency.mean)} +- ${formatG(t.latency.stddev)}`);
        log.info(`processing ${formatG(t.processing.mean)} +- ${formatG(t.processing.stddev)}`);
      }
      if (report.errors.length > 0) {
        log.error(`${report.errors.length} error(s) occurred: ${report.errors.join('; ')}`);
        return 1;
      }
      return 0;
    } finally {
      await reporting.stop();
      saver.close();
      await manager?.close();
      await servers.stop();
    }
  },
});
