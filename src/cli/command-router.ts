import { DEFAULT_OPTIMIZER_CONF } from '../broker/optimizer-registry.js';
import { DEFAULT_ROUTER_CONF, parseRouterConf } from '../broker/router-conf.js';
import { startRouterServer } from '../broker/router-server.js';
import { ControllerRegistration } from '../controller/controller-registration.js';
import { Conf } from '../support/conf.js';
import { logger } from '../support/logger.js';
import type { Command } from './command.js';
import { untilSignal } from './shutdown.js';

const log = logger('router');

/** `soe router` / `edgerouter`: the e-router broker. */
export const routerCommand: Command = {
  name: 'router',
  alias: 'edgerouter',
  summary: 'Run an e-router: forward lambda requests to destinations chosen from weighted forwarding tables.',
  details:
    'Table #0 (overall) serves requests from clients, table #1 (final: computers only) requests forwarded by ' +
    'another broker. Policies: random (∝ 1/weight), least-impedance, round-robin (deficit, active set), ' +
    'proportional-fairness (alpha, beta). Optimizers turn measured latencies into weights: none, ' +
    'trivial (period, stat=mean|min|max), async (alpha: w = alpha·old + (1−alpha)·sample), asyncPF. A destination ' +
    'is dropped (and reported to the controller) only when unreachable or when it has no container for the ' +
    'lambda; dry requests are forwarded as dry.',
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
      description: 'forwarding-table configuration end-point',
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
      name: 'table-conf',
      kind: 'string',
      default: 'type=random',
      description:
        'forwarding table: type=random|least-impedance|round-robin|proportional-fairness (alpha=,beta=)',
    },
    {
      name: 'optimizer-conf',
      kind: 'string',
      default: DEFAULT_OPTIMIZER_CONF,
      description: 'weight optimizer: type=none|trivial|async|asyncPF',
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
      description: 'pre-load table #0 with lambda0..lambda{N-1}',
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
    const server = await startRouterServer(o.str('server-endpoint'), o.str('configuration-endpoint'), {
      tableConf: o.str('table-conf'),
      optimizerConf: o.str('optimizer-conf'),
      router: parseRouterConf(o.str('router-conf')),
      controllerEndpoint: o.str('controller-endpoint'),
    });
    for (let l = 0; l < o.num('fake-num-lambdas'); l++) {
      for (let d = 0; d < o.num('fake-num-destinations'); d++)
        server.router.tables[0].change(`lambda${l}`, `127.0.0.1:${d}`, 1, true);
    }
    log.info(`router listening on ${server.endpoint}, configuration on ${server.configurationEndpoint}`);
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
