import { formatTraceLine } from '../client/trace.js';
import { generateTrace } from '../client/trace-gen.js';
import { Saver } from '../support/saver.js';
import { defineCommand } from './command.js';

/** `soe trace-gen` / `clienttracegen`: writes a trace of Poisson request arrivals for `edgemulticlient`. */
export const traceGenCommand = defineCommand({
  name: 'trace-gen',
  alias: 'clienttracegen',
  summary: 'Generate a trace of Poisson request arrivals for multi-client.',
  details:
    'Each of --num-clients clients sends at --rate requests per second (Poisson arrivals) over ' +
    '[0, --duration); every request has a size uniform in [--min-size, --max-size]. The events of all ' +
    'clients are merged by time into lines `<time> <lambda> <endpoint> <size>`, the time offset by ' +
    "--starting-time and printed with 6 significant digits (C++ `%g`). The draws are the original's " +
    "(std::mt19937 seeded through std::seed_seq{seed}, libstdc++'s exponential and uniform-int " +
    "distributions): a --seed gives the C++ clienttracegen's trace for the same options, byte for byte.",
  options: [
    {
      name: 'server-endpoint',
      kind: 'string',
      default: 'localhost:6473',
      description: 'end-point of every request',
    },
    { name: 'lambda', kind: 'string', default: 'clambda0', description: 'lambda function name' },
    { name: 'min-size', kind: 'integer', default: 100, description: 'smallest input size, bytes' },
    { name: 'max-size', kind: 'integer', default: 500, description: 'largest input size, bytes' },
    { name: 'rate', kind: 'number', default: 1, description: 'requests per second of each client' },
    { name: 'num-clients', kind: 'integer', default: 5, description: 'number of clients' },
    { name: 'starting-time', kind: 'number', default: 0, description: 'time of the trace start, s' },
    { name: 'duration', kind: 'number', default: 10, description: 'trace duration, s' },
    { name: 'output-file', kind: 'string', default: '/dev/stdout', description: 'output file' },
    { name: 'append', kind: 'flag', description: 'append to the output file instead of truncating it' },
    { name: 'seed', kind: 'integer', default: 0, description: 'seed of the random draws' },
  ],
  async run(o) {
    const events = generateTrace({
      endpoint: o['server-endpoint'],
      lambda: o.lambda,
      minSize: o['min-size'],
      maxSize: o['max-size'],
      rate: o.rate,
      numClients: o['num-clients'],
      startingTime: o['starting-time'],
      duration: o.duration,
      seed: o.seed,
    });
    const saver = new Saver(o['output-file'], {
      timestamp: false,
      flush: false,
      append: o.append,
    });
    try {
      for (const event of events) saver.write(formatTraceLine(event));
    } finally {
      saver.close();
    }
    return 0;
  },
});
