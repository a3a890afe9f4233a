import { runLoadClient } from '../client/load-client.js';
import { startComputerServer } from '../platform/computer-server.js';
import { logger } from '../support/logger.js';
import { formatG } from '../support/number-format.js';
import { Saver } from '../support/saver.js';
import type { Command } from './command.js';

const log = logger('demo');

/** `soe demo`: a self-contained tour (what `npm start` runs). */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Start a simulated edge computer on loopback and send it a few requests (what `npm start` runs).',
  options: [
    { name: 'max-requests', kind: 'integer', default: 5, description: 'number of requests' },
    { name: 'inter-request-time', kind: 'number', default: 0.1, description: 'time between requests, s' },
  ],
  async run(o) {
    const server = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '127.0.0.1:0',
      conf: 'type=raspberry,num-cpu-containers=1,num-cpu-workers=4,num-gpu-containers=1,num-gpu-workers=2',
    });
    try {
      log.info(`edge computer ${server.computer.name}, utilization stream on ${server.utilizationEndpoint}`);
      process.stdout.write(
        `# edgeclient --lambda clambda0 --server-endpoints ${server.endpoint} ` +
          `--inter-request-time ${o.num('inter-request-time')} --max-requests ${o.num('max-requests')}\n` +
          '# t latency load1 responder lambda hops\n',
      );
      const saver = new Saver('/dev/stdout');
      const report = await runLoadClient({
        endpoints: [server.endpoint],
        clientConf: 'type=grpc',
        lambda: 'clambda0',
        sizes: [100],
        content: '',
        duration: 0,
        maxRequests: o.num('max-requests'),
        numThreads: 1,
        initialDelay: 0,
        interRequestTime: o.num('inter-request-time'),
        interRequestType: 'constant',
        dry: false,
        seed: 0,
        saver,
      });
      const t = report.threads[0]!;
      process.stdout.write(
        `# latency ${formatG(t.latency.mean)} +- ${formatG(t.latency.stddev)} s, ` +
          `processing ${formatG(t.processing.mean)} +- ${formatG(t.processing.stddev)} s\n`,
      );
      return report.errors.length === 0 && t.ok === t.sent ? 0 : 1;
    } finally {
      await server.stop();
    }
  },
};
