import { ApiKeys } from '../openwhisk/api-keys.js';
import { startWskProxy } from '../openwhisk/wsk-proxy.js';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';
import { untilSignal } from './shutdown.js';

const log = logger('wskproxy');

/** `soe wskproxy` / `wskproxy`: OpenWhisk's REST API in front of the brokers. */
export const wskproxyCommand = defineCommand({
  name: 'wskproxy',
  alias: 'wskproxy',
  summary: "Serve OpenWhisk's REST API for actions and activations in front of an e-router (spec §8).",
  details:
    'Invocations (POST /api/v1/namespaces/<ns>/actions/[<pkg>/]<name>) go to --server-endpoint as lambda ' +
    'requests: blocking=true answers the activation record (200, or 502 for an application or developer ' +
    'error), result=true the result alone, non-blocking 202 {"activationId"}; every answer carries ' +
    'x-openwhisk-activation-id. Actions created with PUT (nodejs:* kinds) are deployed to the js computers ' +
    'that --controller-endpoint knows (those announcing a management end-point: soe computer --computer-type ' +
    'js --management-endpoint; one appearing later gets them within --controller-endpoint polls of a second) ' +
    'or, without it, to those of --management-endpoints; all of them or those of the annotation ' +
    'soe-computers, and invoked as the lambda <ns>.[<pkg>.]<name>; sequences run their ' +
    'components through the broker. An action this proxy does not know is the lambda <name> (namespace _) or ' +
    '/<ns>/<name>, as the original, whose blocking=true&result=true answer {"payload": <output>} (200) or ' +
    '{"error": <retcode>} (404) is kept, JSON-escaped. Activations are kept for an hour, 10000 at most. ' +
    'Callers authenticate with an OpenWhisk API key (HTTP Basic UUID:KEY) of --auth-file; --no-auth lets ' +
    'anyone in, as the original did. Bounds: parameters 1 MiB, action code 48 MiB, an action’s parameters ' +
    'and annotations 1 MiB (413 beyond); the actions kept 256 MiB in all (403 beyond); the parameters of the ' +
    'invocations in flight 64 MiB in all, the request bodies read at once 128 MiB (429 beyond); a sequence ' +
    '50 actions, ' +
    'nested sequences included, 10 levels deep (400 at creation, an application error if a component grew ' +
    'since); a blocking invocation waits 60 s at most (then 202) (docs/openwhisk.md).',
  options: [
    {
      name: 'wsk-api-root',
      kind: 'string',
      default: 'http://127.0.0.1:20000',
      description: 'OpenWhisk API root this proxy serves (http://host:port; port 0: any free port)',
    },
    {
      name: 'server-endpoint',
      kind: 'string',
      default: '127.0.0.1:6473',
      description: 'edge server end-point (e-router, e-dispatcher or computer) invocations go to',
    },
    {
      name: 'num-threads',
      kind: 'integer',
      default: 5,
      description: 'maximum number of calls in flight towards --server-endpoint',
    },
    {
      name: 'auth-file',
      kind: 'string',
      default: '',
      description:
        'OpenWhisk API keys, one UUID:KEY a line, optionally followed by a blank and its namespace (default guest)',
    },
    {
      name: 'no-auth',
      kind: 'flag',
      description: 'accept every caller without a key, as the original (a warning is logged)',
    },
    {
      name: 'management-endpoints',
      kind: 'string',
      default: '',
      description:
        'comma-separated management end-points of the js computers Node.js actions are deployed to',
    },
    {
      name: 'controller-endpoint',
      kind: 'string',
      default: '',
      description:
        'e-controller (host:port) whose js computers Node.js actions are deployed to, instead of --management-endpoints',
    },
    ...SECURE_OPTIONS,
  ],
  async run(o) {
    if (o['num-threads'] <= 0) throw new Error('Cannot spawn 0 threads');
    if (o['server-endpoint'] === '') throw new Error('Invalid empty --server-endpoint');
    if (o['no-auth'] === (o['auth-file'] !== ''))
      throw new Error('wskproxy needs exactly one of --auth-file FILE (OpenWhisk API keys) and --no-auth');
    const keys = o['no-auth'] ? undefined : ApiKeys.read(o['auth-file']);
    if (keys === undefined) log.warn('--no-auth: every caller may invoke, create and delete actions');
    const managementEndpoints = o['management-endpoints']
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    const controllerEndpoint = o['controller-endpoint'];
    if (controllerEndpoint !== '' && managementEndpoints.length > 0)
      throw new Error('wskproxy takes at most one of --controller-endpoint and --management-endpoints');
    const tls = tlsFromOptions(o, { serve: false, call: true });
    const server = await startWskProxy(o['wsk-api-root'], {
      serverEndpoint: o['server-endpoint'],
      numThreads: o['num-threads'],
      keys,
      managementEndpoints,
      controllerEndpoint,
      tls,
    });
    log.info(
      `wskproxy serving ${server.apiRoot}/api/v1, invoking ${o['server-endpoint']}` +
        (tls === undefined ? '' : ' (TLS)') +
        (managementEndpoints.length === 0 ? '' : `, deploying to ${managementEndpoints.join(' ')}`) +
        (controllerEndpoint === ''
          ? ''
          : `, deploying to the js computers of the controller at ${controllerEndpoint}`),
    );
    const signal = await untilSignal();
    log.info(`${signal} received, shutting down`);
    await server.stop();
    return 0;
  },
});
