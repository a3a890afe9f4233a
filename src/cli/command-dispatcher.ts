import { startDispatcherServer } from '../broker/dispatcher-server.js';
import { DEFAULT_PTIMEEST_CONF } from '../broker/estimator-registry.js';
import { DEFAULT_ROUTER_CONF, parseRouterConf } from '../broker/router-conf.js';
import { ControllerRegistration } from '../controller/controller-registration.js';
import { Conf } from '../support/conf.js';
import { logger } from '../support/logger.js';
import type { Command } from './command.js';
import { untilSignal } from './shutdown.js';

const log = logger('dispatcher');

/** `soe dispatcher` / `edgedispatcher`: the e-dispatcher broker. */
export const dispatcherCommand: Command = {
  name: 'dispatcher',
  alias: 'edgedispatcher',
  summary:
    'Run an e-dispatcher: forward lambda requests to the destination with the smallest predicted delay.',
  details:
    "One table of destinations, programmed like a router's (weights are ignored and shown as 1). " +
    'Estimators: rtt (window-size, stale-period: network time only), util (rtt-window-size, rtt-stale-period, ' +
    'util-load-timeout, util-window-size, output: network time + processing time against the load), ' +
    'delay (util-load-timeout, util-window-size, output: whole delay against the load), probe (max-clients, ' +
    'output: asks every destination for a dry-run estimate). A destination is dropped (and reported to the ' +
    'controller) only when unreachable or when it has no container for the lambda; dry requests are ' +
    'forwarded as dry.',
  options: [
    {
      name: 'server-endpoint',
      kind: 'string',
      default: '0.0.0.0:6473',
      description: 'lambda server end-point',
    },
    {
      name: 'configuration-endpoint',
      kind: 'string',
      default: '0.0.0.0:6474',
      description: 'table configuration end-point',
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
      description: 'lambda server and client configuration: type=grpc',
    },
    {
      name: 'ptimeest-conf',
      kind: 'string',
      default: DEFAULT_PTIMEEST_CONF,
      description: 'processing time estimator: type=rtt|util|delay|probe',
    },
    {
      name: 'router-conf',
      kind: 'string',
      default: DEFAULT_ROUTER_CONF,
      description: 'max-pending-clients, min/max-forward-time (s), fake=true|false',
    },
    {
      name: 'fake-num-lambdas',
      kind: 'integer',
      default: 0,
      description: 'pre-load the table with lambda0..lambda{N-1}',
    },
    {
      name: 'fake-num-destinations',
      kind: 'integer',
      default: 0,
      description: 'destinations 127.0.0.1:0..{M-1} of each fake lambda',
    },
    { name: 'secure', kind: 'flag', description: 'use TLS (not supported by this release)' },
  ],
  async run(o) {
    if (o.num('num-threads') <= 0) throw new Error('Cannot spawn 0 threads');
    if (o.flag('secure')) throw new Error('--secure is not supported by this release');
    const transport = Conf.parse(o.str('server-conf')).get('type');
    if (transport !== 'grpc')
      throw new Error(`Invalid server type: ${transport} (this release supports: grpc)`);
    const server = await startDispatcherServer(o.str('server-endpoint'), o.str('configuration-endpoint'), {
      ptimeEstConf: o.str('ptimeest-conf'),
      router: parseRouterConf(o.str('router-conf')),
      controllerEndpoint: o.str('controller-endpoint'),
    });
    for (let l = 0; l < o.num('fake-num-lambdas'); l++) {
      for (let d = 0; d < o.num('fake-num-destinations'); d++)
        server.dispatcher.table.change(`lambda${l}`, `127.0.0.1:${d}`, 1, true);
    }
    log.info(
      `dispatcher (${server.dispatcher.estimator.type}) listening on ${server.endpoint}, ` +
        `configuration on ${server.configurationEndpoint}`,
    );
    let registration: ControllerRegistration | undefined;
    if (o.str('controller-endpoint') !== '') {
      registration = new ControllerRegistration(o.str('controller-endpoint'), {
        router: {
          edgeServerEndpoint: server.endpoint,
          forwardingTableEndpoint: server.configurationEndpoint,
        },
      });
    }
    const signal = await untilSignal();
    log.info(`${signal} received, shutting down`);
    await registration?.unregister();
    await server.stop();
    return 0;
  },
};
