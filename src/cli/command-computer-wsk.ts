import { TELEMETRY_OPTIONS, wantsTelemetry } from '../telemetry/component-telemetry.js';
import { ComputerStats } from '../telemetry/computer-stats.js';
import { checkReportingOptions, startReporting } from './reporting.js';
import type { Registrant } from '../controller/controller-registration.js';
import { serveComputer } from '../platform/computer-server.js';
import { WskComputer } from '../platform/wsk/wsk-computer.js';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';
import { checkLambdaServerOptions, LAMBDA_SERVER_OPTIONS, serveUntilSignal } from './server-command.js';
import { untilSignal } from './shutdown.js';

const log = logger('computer');

/** `soe computer-wsk` / `edgecomputerwsk`: an edge computer whose lambdas are OpenWhisk actions. */
export const computerWskCommand = defineCommand({
  name: 'computer-wsk',
  alias: 'edgecomputerwsk',
  summary: 'Run an edge computer whose lambdas are the actions of an OpenWhisk API (spec §8).',
  details:
    'A lambda `action` (namespace _) or `namespace/action` is invoked with POST <wsk-api-root>/api/v1/' +
    'namespaces/<namespace>/actions/<action>?blocking=true&result=true, Authorization: Basic <wsk-auth> (the ' +
    'token verbatim: base64 of UUID:KEY), the lambda input (JSON) as the body; the string field payload of a ' +
    '200 answer is the output, else the retcode says why (unexpected HTTP response: <code>, unexpected body: ' +
    'payload field missing, error encountered: <what>). HTTPS certificates are not verified. The responder ' +
    'is the API root; dry requests are answered OK without calling OpenWhisk. With --controller-endpoint the ' +
    'actions are listed every second (GET …/namespaces/_/actions/?limit=0&skip=0) and announced as lambdas ' +
    '/<namespace>/<action>, again whenever that set changes. It works against an OpenWhisk deployment and ' +
    'against soe wskproxy (docs/openwhisk.md).',
  options: [
    ...LAMBDA_SERVER_OPTIONS,
    {
      name: 'wsk-api-root',
      kind: 'string',
      default: 'https://127.0.0.1:80',
      description: 'OpenWhisk API root',
    },
    {
      name: 'wsk-auth',
      kind: 'string',
      default: '',
      description: 'OpenWhisk basic authentication token (base64 of UUID:KEY), mandatory',
    },
    ...SECURE_OPTIONS,
    ...TELEMETRY_OPTIONS,
  ],
  async run(o) {
    if (o['server-endpoint'] === '') throw new Error('Invalid request to bind to an empty end-point');
    checkLambdaServerOptions(o);
    if (o['wsk-auth'] === '') throw new Error('Invalid empty OpenWhisk auth token');
    const withController = o['controller-endpoint'] !== '';
    const tls = tlsFromOptions(o, { serve: true, call: withController });
    checkReportingOptions(o);
    const stats = wantsTelemetry(o) ? new ComputerStats() : undefined;
    const server = await serveComputer(
      { serverEndpoint: o['server-endpoint'], utilizationEndpoint: '', tls, stats },
      (name) =>
        Promise.resolve(
          new WskComputer(name, { apiRoot: o['wsk-api-root'], auth: o['wsk-auth'], list: withController }),
        ),
    );
    const { computer } = server;
    if (withController) await computer.list();
    const report = await startReporting(
      o,
      {
        type: 'edge-computer',
        name: server.endpoint,
        attributes: { computer_type: 'wsk', controller_endpoint: o['controller-endpoint'] },
        source: (stats ?? new ComputerStats()).source,
        log,
      },
      () => server.stop(),
    );
    const stopped = untilSignal();
    log.info(
      `${computer.name} listening on ${server.endpoint}` +
        (tls === undefined ? '' : ' (TLS)') +
        (report.metrics === undefined ? '' : `, metrics on ${report.metrics.endpoint}`),
    );
    for (const line of computer.describe()) log.info(line);
    const registrant = (): Registrant => ({
      computer: { edgeServerEndpoint: server.endpoint, containers: computer.containers() },
    });
    return serveUntilSignal(
      o,
      registrant(),
      async () => {
        await report.stop();
        await server.stop();
      },
      log,
      tls,
      {
        current: registrant,
        onChange: (listener) => computer.onContainersChanged(listener),
      },
      stopped,
    );
  },
});
