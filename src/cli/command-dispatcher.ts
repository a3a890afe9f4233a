import { dispatcherFigures } from '../broker/broker-figures.js';
import { wantsTelemetry } from '../telemetry/component-telemetry.js';
import { TrafficStats } from '../telemetry/traffic-stats.js';
import { startDispatcherServer } from '../broker/dispatcher/dispatcher-server.js';
import { DEFAULT_PTIMEEST_CONF } from '../broker/estimators/index.js';
import { DEFAULT_ROUTER_CONF, parseRouterConf } from '../broker/router-conf.js';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';
import { FORWARDING_OPTIONS, forwardingLimits } from './forwarding-options.js';
import { tlsFromOptions } from './secure-option.js';
import { brokerOptions, checkLambdaServerOptions, fakeFill, serveUntilSignal } from './server-command.js';
import { checkReportingOptions, startReporting } from './reporting.js';
import { untilSignal } from './shutdown.js';

const log = logger('dispatcher');

/** `soe dispatcher` / `edgedispatcher`: the e-dispatcher broker. */
export const dispatcherCommand = defineCommand({
  name: 'dispatcher',
  alias: 'edgedispatcher',
  summary:
    'Run an e-dispatcher: forward lambda requests to the destination with the smallest predicted delay.',
  details:
    "One table of destinations, programmed like a router's (weights are ignored and shown as 1). " +
    'Estimators: rtt (window-size, stale-period: network time only), util (rtt-window-size, rtt-stale-period, ' +
    'util-load-timeout, util-window-size, output: network time + processing time against the load), ' +
    'delay (util-load-timeout, util-window-size, output: whole delay against the load), probe (max-clients, ' +
    'output: asks every destination for a dry-run estimate), led (window-size, in-flight-timeout: least ' +
    'expected delay, its own requests in flight times the delay per concurrent request each destination ' +
    'has shown; see docs/evaluation.md). A destination is dropped (and reported to the ' +
    'controller) only when unreachable, silent for --forward-timeout, or when it has no container for the ' +
    'lambda; dry requests are forwarded as dry. ' +
    'Every forwarded call has a deadline, sent with it: the client’s, or --forward-timeout from when it is sent, ' +
    'whichever comes first. At most --max-queued-requests requests wait for a busy destination (max-pending-clients); ' +
    'more are answered at once, and a request reset by its client leaves the queue. Configure refuses a bare FLUSH ' +
    '(send lambda *: an empty message reads as FLUSH), malformed lambdas and end-points, and routes to the broker ' +
    'itself.',
  options: brokerOptions(
    [
      {
        name: 'ptimeest-conf',
        kind: 'string',
        default: DEFAULT_PTIMEEST_CONF,
        description: 'processing time estimator: type=rtt|util|delay|probe|led',
      },
      ...FORWARDING_OPTIONS,
    ],
    DEFAULT_ROUTER_CONF,
  ),
  async run(o) {
    checkLambdaServerOptions(o);
    const tls = tlsFromOptions(o, { serve: true, call: true });
    checkReportingOptions(o);
    const traffic = wantsTelemetry(o) ? new TrafficStats() : undefined;
    const server = await startDispatcherServer(o['server-endpoint'], o['configuration-endpoint'], {
      ptimeEstConf: o['ptimeest-conf'],
      router: parseRouterConf(o['router-conf']),
      limits: forwardingLimits(o),
      controllerEndpoint: o['controller-endpoint'],
      tls,
      traffic,
    });
    fakeFill(o, (lambda, destination) => server.dispatcher.table.change(lambda, destination, 1, true));
    const reporting = await startReporting(
      o,
      {
        type: 'edge-dispatcher',
        name: server.endpoint,
        attributes: {
          configuration_endpoint: server.configurationEndpoint,
          controller_endpoint: o['controller-endpoint'],
        },
        source: dispatcherFigures(server.dispatcher, traffic ?? new TrafficStats()),
        log,
      },
      () => server.stop(),
    );
    const stopped = untilSignal();
    log.info(
      `dispatcher (${server.dispatcher.estimator.type}) listening on ${server.endpoint}, ` +
        `configuration on ${server.configurationEndpoint}` +
        (tls === undefined ? '' : ' (TLS)') +
        (reporting.metrics === undefined ? '' : `, metrics on ${reporting.metrics.endpoint}`),
    );
    const router = {
      edgeServerEndpoint: server.endpoint,
      forwardingTableEndpoint: server.configurationEndpoint,
    };
    const stop = async (): Promise<void> => {
      await reporting.stop();
      await server.stop();
    };
    return serveUntilSignal(o, { router }, stop, log, tls, undefined, stopped);
  },
});
