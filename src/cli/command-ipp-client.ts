import { IPP_CLIENT_TYPES, runIppClient } from '../client/ipp-client.js';
import { logger } from '../support/logger.js';
import { formatG } from '../support/number-format.js';
import { Saver } from '../support/saver.js';
import { commaList } from './command-client.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';
import { untilSignal } from './shutdown.js';

const log = logger('ipp-client');

function parseSizes(text: string): number[] {
  const sizes = commaList(text).map(Number);
  if (sizes.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new Error('Invalid --sizes option');
  return sizes;
}

/** `soe ipp-client` / `edgeippclient`: open-loop ON/OFF (IPP) or bursty Poisson lambda clients. */
export const ippClientCommand = defineCommand({
  name: 'ipp-client',
  alias: 'edgeippclient',
  summary: 'Send lambda requests as ON/OFF (IPP) or bursty Poisson clients.',
  details:
    '--client-type ipp: ON and OFF periods are exponential (--on-mean, --off-mean), each client starting at ' +
    'a random point of a cycle; during ON, requests are due at its start and then after gaps uniform in ' +
    '[--min-sleep, --max-sleep] (max > 0), and those still due when it ends are dropped. --client-type ' +
    'poisson: bursts of Poisson(--burst-size-mean) requests with the same gaps, one per period, periods ' +
    'exponential (--period-mean), the first burst after half a period draw; late requests are still sent. ' +
    'Sizes: a uniform pick from --sizes, or uniform in [--min-size, --max-size]. Each OK response prints ' +
    '`<t> <latency> <load1> <responder> <lambda> <hops>` as client does. With --duration > 0, the loss ' +
    'max(0, 1 − OK responses / scheduled requests) is written to --loss-file (scheduled: the requests the ' +
    'seeded schedules hold within the duration). The same --seed gives the same request instants and sizes. ' +
    'An unknown --client-type prints `Invalid client type X, choose one of: ipppoisson` (sic, as the ' +
    'original) and exits 1.',
  options: [
    {
      name: 'server-endpoints',
      kind: 'string',
      default: 'localhost:6473',
      description: 'comma-separated edge server end-points',
    },
    {
      name: 'client-conf',
      kind: 'string',
      default: 'type=grpc,persistence=0.05',
      description: 'client configuration',
    },
    { name: 'lambda', kind: 'string', default: 'clambda0', description: 'lambda function name' },
    {
      name: 'client-type',
      kind: 'string',
      default: 'poisson',
      description: `client type: ${IPP_CLIENT_TYPES.join('|')}`,
    },
    { name: 'duration', kind: 'number', default: 0, description: 'experiment duration, s; 0: unlimited' },
    {
      name: 'max-requests',
      kind: 'integer',
      default: '18446744073709551615',
      description: 'requests per client',
    },
    { name: 'num-clients', kind: 'integer', default: 1, description: 'number of clients' },
    { name: 'min-size', kind: 'integer', default: 100, description: 'smallest input size, bytes' },
    { name: 'max-size', kind: 'integer', default: 100, description: 'largest input size, bytes' },
    {
      name: 'sizes',
      kind: 'string',
      default: '',
      description: 'comma-separated input sizes, bytes; overrides min/max',
    },
    { name: 'on-mean', kind: 'number', default: 1, description: 'ipp: mean ON period, s' },
    { name: 'off-mean', kind: 'number', default: 1, description: 'ipp: mean OFF period, s' },
    { name: 'period-mean', kind: 'number', default: 5, description: 'poisson: mean period, s' },
    {
      name: 'burst-size-mean',
      kind: 'number',
      default: 5,
      description: 'poisson: mean number of requests per burst',
    },
    { name: 'min-sleep', kind: 'number', default: 0, description: 'smallest gap between requests, s' },
    { name: 'max-sleep', kind: 'number', default: 0.1, description: 'largest gap between requests, s' },
    {
      name: 'content',
      kind: 'string',
      default: '',
      description: 'fixed input content; empty: {"input":"AAA…"} of the chosen size',
    },
    { name: 'output-file', kind: 'string', default: '/dev/stdout', description: 'output file; empty: none' },
    { name: 'loss-file', kind: 'string', default: '/dev/stdout', description: 'loss file; empty: none' },
    { name: 'seed', kind: 'integer', default: 0, description: 'seed of the random draws' },
    ...SECURE_OPTIONS,
  ],
  async run(o) {
    const type = o['client-type'];
    if (!(IPP_CLIENT_TYPES as readonly string[]).includes(type)) {
      process.stdout.write(`Invalid client type ${type}, choose one of: ${IPP_CLIENT_TYPES.join('')}\n`);
      return 1;
    }
    const tls = tlsFromOptions(o, { serve: false, call: true });
    const duration = o.duration;
    const saver = new Saver(o['output-file'], { timestamp: true, flush: duration === 0 });
    const stop = new AbortController();
    void untilSignal().then(() => stop.abort());
    try {
      const report = await runIppClient({
        type,
        endpoints: commaList(o['server-endpoints']),
        clientConf: o['client-conf'],
        lambda: o.lambda,
        sizes: parseSizes(o.sizes),
        minSize: o['min-size'],
        maxSize: o['max-size'],
        content: o.content,
        duration,
        maxRequests: o['max-requests'],
        numClients: o['num-clients'],
        onMean: o['on-mean'],
        offMean: o['off-mean'],
        periodMean: o['period-mean'],
        burstSizeMean: o['burst-size-mean'],
        minSleep: o['min-sleep'],
        maxSleep: o['max-sleep'],
        seed: o.seed,
        saver,
        signal: stop.signal,
        tls,
      });
      saver.close();
      for (const c of report.clients) {
        log.info(`latency ${formatG(c.latency.mean)} +- ${formatG(c.latency.stddev)}`);
        log.info(`processing ${formatG(c.processing.mean)} +- ${formatG(c.processing.stddev)}`);
      }
      if (report.loss !== undefined) {
        const lossSaver = new Saver(o['loss-file'], { timestamp: false });
        lossSaver.write(report.loss);
        lossSaver.close();
      }
      if (report.errors.length > 0) {
        log.error(`${report.errors.length} error(s) occurred: ${report.errors.join('; ')}`);
        return 1;
      }
      return 0;
    } finally {
      saver.close();
    }
  },
});
