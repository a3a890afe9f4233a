import { runMultiClient } from '../client/multi-client.js';
import { readTrace } from '../client/trace-parse.js';
import { Conf } from '../support/conf.js';
import { logger } from '../support/logger.js';
import { formatG } from '../support/number-format.js';
import { Saver } from '../support/saver.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';
import { untilSignal } from './shutdown.js';

const log = logger('multi-client');

/** `soe multi-client` / `edgemulticlient`: replays a trace of lambda requests. */
export const multiClientCommand = defineCommand({
  name: 'multi-client',
  alias: 'edgemulticlient',
  summary: 'Replay a trace of lambda requests (as trace-gen writes them).',
  details:
    'The trace has one event per line, `<time> <lambda> <endpoint> <size>` (time in seconds from the start). ' +
    '--num-threads workers take the events in order, wait until their time (an event taken late counts as ' +
    'a deadline miss and is sent at once) and send `A`×size as raw input to the event end-point. Each OK ' +
    'response writes `<t> <latency> <load1> <responder> 0`. At the end it logs `dispatched <d> / <total>`, ' +
    '`deadline misses <m>` and `average latency <mean>` (seconds). A missing trace file or a malformed ' +
    'line (`<file>:<line>: <problem>`) is an error, exit 1 (the original replayed the events before it); ' +
    'so is a transport failure, which stops the replay. SIGINT or SIGTERM stop it too.',
  options: [
    { name: 'num-threads', kind: 'integer', default: 5, description: 'number of concurrent workers' },
    { name: 'input-file', kind: 'string', default: '/dev/stdin', description: 'trace file' },
    { name: 'output-file', kind: 'string', default: '', description: 'output file; empty: none' },
    {
      name: 'client-conf',
      kind: 'string',
      default: 'type=grpc,persistence=0.05',
      description: 'client configuration (only type=grpc)',
    },
    ...SECURE_OPTIONS,
  ],
  async run(o) {
    const tls = tlsFromOptions(o, { serve: false, call: true });
    const type = Conf.parse(o['client-conf']).get('type');
    if (type !== 'grpc') throw new Error(`Unknown client type: ${type}`);
    if (!(o['num-threads'] >= 1)) throw new Error(`Invalid --num-threads option: ${o['num-threads']}`);
    const events = readTrace(o['input-file']);
    const saver = new Saver(o['output-file'], { timestamp: true, flush: false });
    const stop = new AbortController();
    void untilSignal().then(() => stop.abort());
    try {
      const report = await runMultiClient({
        events,
        numThreads: o['num-threads'],
        saver,
        signal: stop.signal,
        tls,
      });
      log.info(`dispatched      ${report.dispatched} / ${report.total}`);
      log.info(`deadline misses ${report.deadlineMisses}`);
      log.info(`average latency ${formatG(report.latency.mean)}`);
      if (report.error !== undefined) {
        log.error(`replay stopped: ${report.error}`);
        return 1;
      }
      return 0;
    } finally {
      saver.close();
    }
  },
});
