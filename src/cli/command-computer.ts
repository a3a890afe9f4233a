import { jsonExample } from '../platform/composer.js';
import { computerTypes } from '../platform/computer-types.js';
import { DEFAULT_HTTP_CONF } from '../platform/http/http-conf.js';
import { DEFAULT_JS_CONF, JS_CONF_HELP } from '../platform/js/js-conf.js';
import { DEFAULT_SIM_CONF } from '../platform/sim-computer-type.js';
import { DEFAULT_MAX_PENDING_ASYNC } from '../platform/composition/async-queue.js';
import { DEFAULT_JOIN_TTL, DEFAULT_MAX_STATE_SIZE } from '../protocol/state/state-store.js';
import { logger } from '../support/logger.js';
import { TELEMETRY_OPTIONS } from '../telemetry/component-telemetry.js';
import { FACEREC_OPTIONS, facerecSettings } from './facerec-options.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';
import { checkLambdaServerOptions, LAMBDA_SERVER_OPTIONS } from './server-command.js';
import { serveTypedComputer } from './typed-computer-command.js';

const log = logger('computer');

/** `soe computer` / `edgecomputer`: a simulated edge computer. */
export const computerCommand = defineCommand({
  name: 'computer',
  alias: 'edgecomputer',
  summary:
    'Run an edge computer (simulated, JavaScript functions or HTTP functions): serve lambdas over gRPC and stream its utilization.',
  details:
    'The computer executes lambdas on simulated processors with processor sharing (spec §5). The raspberry ' +
    'profile runs at 1e11 operations/s per core, as the original does since 2021 (quirk Q10): clambda0 with a ' +
    '100-byte input takes about 1.04 ms when idle. The computer announces itself to the controller (if given) ' +
    'only once its servers listen, with its real number of workers per container, retrying until the controller ' +
    'answers, and removes itself on SIGINT/SIGTERM. With --computer-type http the lambdas are the functions ' +
    'of an OpenFaaS gateway or of any HTTP endpoints, set by --http-conf (spec §5.8, docs/computer-http.md). ' +
    'With --computer-type js the lambdas are JavaScript functions (OpenWhisk actions) from --functions, run in ' +
    'container processes with the limits of --js-conf and deployed at run time through --management-endpoint; ' +
    'the input is the JSON parameters, the output the JSON result (docs/functions.md). With --computer-type ' +
    'facerec the lambdas detect faces and eyes in JPEGs, as soe computer-facerec (docs/computer-facerec.md).',
  options: [
    ...LAMBDA_SERVER_OPTIONS,
    ...SECURE_OPTIONS,
    {
      name: 'computer-type',
      kind: 'string',
      default: 'sim',
      description: `type of computer: ${computerTypes.names().join(', ')}`,
    },
    {
      name: 'utilization-endpoint',
      kind: 'string',
      default: '0.0.0.0:6476',
      description: 'utilization stream end-point; empty: disabled',
    },
    {
      name: 'asynchronous',
      kind: 'flag',
      description:
        'enable asynchronous invocations (a request with a callback is acknowledged at once, executed by ' +
        'one of --num-threads workers, and its result sent to the callback end-point)',
    },
    {
      name: 'max-pending-async',
      kind: 'integer',
      default: DEFAULT_MAX_PENDING_ASYNC,
      description:
        'asynchronous invocations waiting for a worker beyond which new ones are refused ' +
        '(`Too many asynchronous invocations pending (at most N)`)',
    },
    {
      name: 'companion-endpoint',
      kind: 'string',
      default: '',
      description: 'next hop (a router) of chains and DAGs; implies --asynchronous',
    },
    {
      name: 'state-endpoint',
      kind: 'string',
      default: '',
      description:
        'state server of this computer: remote states the executed function depends on move there; ' +
        'a state server is started there unless --no-state-server',
    },
    {
      name: 'no-state-server',
      kind: 'flag',
      description: 'do not start a state server (requires --state-endpoint)',
    },
    {
      name: 'max-state-size',
      kind: 'integer',
      default: DEFAULT_MAX_STATE_SIZE,
      description: 'largest state, bytes, the embedded state server stores (`state too big: ...` beyond)',
    },
    {
      name: 'join-ttl',
      kind: 'number',
      default: DEFAULT_JOIN_TTL,
      description:
        'seconds the embedded state server keeps a DAG join entry (tokens, state locations) after its ' +
        'last Put: those of runs that failed half way are removed then',
    },
    {
      name: 'conf',
      kind: 'string',
      default: DEFAULT_SIM_CONF,
      description: 'computer profile: type=raspberry|intel-server|file (file: type=file,path=<json>)',
    },
    {
      name: 'http-conf',
      kind: 'string',
      default: DEFAULT_HTTP_CONF,
      description:
        'http computer: type=OpenFaaS(0.8) with gateway-url=<url>, or type=generic with url-template=<url ' +
        'with {name}> and/or functions=<file.json>; num-clients, timeout=<s>, max-response-size=<bytes>, ' +
        'max-queued (docs/computer-http.md)',
    },
    {
      name: 'functions',
      kind: 'string',
      default: '',
      description:
        'js: folder of functions, NAME.js each (NAME.json beside it: OpenWhisk limits); empty: none',
    },
    {
      name: 'js-conf',
      kind: 'string',
      default: DEFAULT_JS_CONF,
      description: `js: defaults of every function and bounds of the computer: ${JS_CONF_HELP} (docs/functions.md)`,
    },
    {
      name: 'management-endpoint',
      kind: 'string',
      default: '',
      description:
        'js: REST API deploying, replacing and removing functions at run time (PUT/GET/DELETE /functions/NAME); empty: disabled',
    },
    {
      name: 'detector-threads',
      kind: 'integer',
      default: 4,
      description: 'facerec: detector threads (soe computer-facerec --num-threads)',
    },
    ...FACEREC_OPTIONS.map((spec) => ({ ...spec, description: `facerec: ${spec.description}` })),
    {
      name: 'json-example',
      kind: 'flag',
      description: 'print an example JSON computer description and exit',
    },
    ...TELEMETRY_OPTIONS,
  ],
  async run(o) {
    if (o['json-example']) {
      process.stdout.write(jsonExample());
      return 0;
    }
    if (o['server-endpoint'] === '') throw new Error('Invalid request to bind to an empty end-point');
    checkLambdaServerOptions(o);
    if (o['no-state-server'] && o['state-endpoint'] === '') {
      throw new Error('Cannot specify --no-state-server without --state-endpoint');
    }
    const type = o['computer-type'];
    computerTypes.get(type);
    if (!(o['max-pending-async'] >= 0)) {
      throw new Error(`Invalid --max-pending-async option: ${o['max-pending-async']}`);
    }
    if (!(o['max-state-size'] >= 0)) {
      throw new Error(`Invalid --max-state-size option: ${o['max-state-size']}`);
    }
    if (!(o['join-ttl'] > 0) || !Number.isFinite(o['join-ttl'])) {
      throw new Error(`Invalid --join-ttl option: ${o['join-ttl']} (seconds, more than 0)`);
    }
    const asynchronous = o.asynchronous || o['companion-endpoint'] !== '';

    const tls = tlsFromOptions(o, { serve: true, call: o['controller-endpoint'] !== '' });
    return serveTypedComputer(
      {
        type,
        serverEndpoint: o['server-endpoint'],
        utilizationEndpoint: o['utilization-endpoint'],
        settings: {
          conf: o.conf,
          'http-conf': o['http-conf'],
          functions: o.functions,
          'js-conf': o['js-conf'],
          'management-endpoint': o['management-endpoint'],
          ...facerecSettings(o, o['detector-threads']),
        },
        tls,
        composition: {
          asyncWorkers: asynchronous ? o['num-threads'] : 0,
          maxPendingAsync: o['max-pending-async'],
          companion: o['companion-endpoint'],
          stateEndpoint: o['state-endpoint'],
          stateServer: !o['no-state-server'],
          stateLimits: { maxStateSize: o['max-state-size'], joinTtl: o['join-ttl'] },
        },
      },
      o['controller-endpoint'],
      log,
      o,
    );
  },
});
