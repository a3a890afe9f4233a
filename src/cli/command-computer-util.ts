import { streamUtilization } from '../client/utilization-client.js';
import { unreachableError } from '../protocol/unreachable.js';
import { formatFixed } from '../support/number-format.js';
import { Saver } from '../support/saver.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';

/** `soe computer-util` / `edgecomputerclient`: prints a computer's utilization stream. */
export const computerUtilCommand = defineCommand({
  name: 'computer-util',
  alias: 'edgecomputerclient',
  summary: 'Print the utilization stream of an edge computer.',
  details:
    'Every sample prints one line per processor: `<t> <processor> <utilization>`, the utilization in [0, 1] ' +
    'with 6 decimals. The computer samples once a second. Ends when the stream ends. A computer that cannot ' +
    'be reached is an error saying where and why (`cannot connect to 127.0.0.1:20000: connection refused`), ' +
    'exit status 1.',
  options: [
    {
      name: 'server-endpoint',
      kind: 'string',
      default: 'localhost:6476',
      description: 'utilization stream end-point',
    },
    { name: 'output-file', kind: 'string', default: '/dev/stdout', description: 'output file' },
    ...SECURE_OPTIONS,
  ],
  async run(o) {
    const tls = tlsFromOptions(o, { serve: false, call: true });
    const saver = new Saver(o['output-file'], { timestamp: true, flush: true });
    try {
      for await (const sample of streamUtilization(o['server-endpoint'], undefined, tls)) {
        for (const [processor, util] of Object.entries(sample.values))
          saver.write(processor, formatFixed(util, 6));
      }
      return 0;
    } catch (err) {
      throw unreachableError(o['server-endpoint'], err);
    } finally {
      saver.close();
    }
  },
});
