import { DEFAULT_OPTIMIZER_CONF } from '../broker/optimizers/index.js';
import { DEFAULT_ROUTER_CONF, parseRouterConf } from '../broker/router-conf.js';
import { routerFigures } from '../broker/broker-figures.js';
import { startRouterServer } from '../broker/router/router-server.js';
import { wantsTelemetry } from '../telemetry/component-telemetry.js';
import { TrafficStats } from '../telemetry/traffic-stats.js';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';
import { FORWARDING_OPTIONS, forwardingLimits } from './forwarding-options.js';
import { tlsFromOptions } from './secure-option.js';
import { brokerOptions, checkLambdaServerOptions, fakeFill, serveUntilSignal } from './server-command.js';
import { checkReportingOptions, startReporting } from './reporting.js';
import { untilSignal } from './shutdown.js';

const log = logger('router');

/** `soe router` / `edgerouter`: the e-router broker. */
export const routerCommand = defineCommand({
  name: 'router',
  alias: 'edgerouter',
  summary: 'Run an e-router: forward lambda requests to destinations chosen from weighted forwarding tables.',
  details:
    'Table #0 (overall) serves requests from clients, table #1 (final: computers only) requests forwarded by ' +
    'another broker. Policies: random (∝ 1/weight), least-impedance, round-robin (deficit, active set), ' +
    'proportional-fairness (alpha, beta). Optimizers turn measured latencies into weights: none, ' +
    'trivial (period, stat=mean|min|max), async (alpha: w = alpha·old + (1−alpha)·sample), asyncPF. A destination ' +
    'is dropped (and reported to the controller) only when unreachable, silent for --forward-timeout, or when it ' +
    'has no container for the lambda; dry requests are forwarded as dry. ' +
    'Every forwarded call has a deadline, sent with it: the client’s, or --forward-timeout from when it is sent, ' +
    'whichever comes first. At most --max-queued-requests requests wait for a busy destination (max-pending-clients); ' +
    'more are answered at once, and a request reset by its client leaves the queue. Configure refuses a bare FLUSH ' +
    '(send lambda *: an empty message reads as FLUSH), malformed lambdas and end-points, and routes to the broker ' +
    'itself.',
  options: brokerOptions(
    [
      {
        name: 'table-conf',
        kind: 'string',
        default: 'type=random',
        description:
          'forwarding table: type=random|least-impedance|round-robin|proportional-fairness (alpha=,beta=)|shortest-expected-delay (stale=30); random and least-impedance take explore=none|unmeasured',
      },
      {
        name: 'optimizer-conf',
        kind: 'string',
        default: DEFAULT_OPTIMIZER_CONF,
        description: 'weight optimizer: type=none|trivial|async|asyncPF|delay-per-request (window-size=50)',
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
    const server = await startRouterServer(o['server-endpoint'], o['configuration-endpoint'], {
      tableConf: o['table-conf'],
      optimizerConf: o['optimizer-conf'],
      router: parseRouterConf(o['router-conf']),
      limits: forwardingLimits(o),
      controllerEndpoint: o['controller-endpoint'],
      tls,
      traffic,
    });
    fakeFill(o, (lambda, destination) => server.router.tables[0].change(lambda, destination, 1, true));
    const reporting = await startReporting(
      o,
      {
        type: 'edge-router',
        name: server.endpoint,
        attributes: {
          configuration_endpoint: server.configurationEndpoint,
          controller_endpoint: o['controller-endpoint'],
        },
        source: routerFigures(server.router, traffic ?? new TrafficStats()),
        log,
      },
      () => server.stop(),
    );
    const stopped = untilSignal();
    log.info(
      `router listening on ${server.endpoint}, configuration on ${server.configurationEndpoint}` +
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
