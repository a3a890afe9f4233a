import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';
import { COMPONENT_COMMANDS } from './component-commands.js';
import { untilSignal } from './shutdown.js';
import { loadTopology } from '../deploy/topology.js';

const log = logger('up');

/** The topology `soe up` runs when given none: the original README example. */
export const DEFAULT_TOPOLOGY = fileURLToPath(
  new URL('../../../topologies/readme-example.yaml', import.meta.url),
);

/** `soe up`: a whole deployment on this machine from a topology file. */
export const upCommand = defineCommand({
  name: 'up',
  summary:
    'Start a whole deployment on this machine (controller, computers, routers, clients) from a topology file.',
  details:
    'Starts the timeseries service (if the topology has one; its data in a new folder of the log folder unless ' +
    'data-dir or storage is given) and, in the background, its COVID producer (`covid:` options of soe covid ' +
    'produce), then the ETSI MEC proxy (`mec:` options of soe mec proxy) and the controller, the computers and routers (told where the controller is) and waits until ' +
    'each is ready (announced to the controller), prints where each listens (the timeseries GUI too, and the Edge ' +
    'dashboard when the controller serves its REST view: rest-endpoint, with rest-allowed-origin the timeseries ' +
    "GUI's origin), then runs " +
    'the clients; the producer’s summary line follows once it is done. Everything keeps running until Ctrl-C ' +
    '(SIGINT), SIGTERM or SIGHUP, which stops it all cleanly within 5 s (each part with SIGINT, last started ' +
    'first; SIGKILL for what still runs after 4 s), unless --exit-after-clients. Each part runs in its own ' +
    'process group, and stops by itself if soe up dies (even by SIGKILL). The logs go to a new temporary folder ' +
    '(with the timeseries data, if the topology gives no data-dir), removed after a clean stop unless ' +
    '--keep-logs; they are kept if a part fails, and soe up says where. A --log-dir is always kept. Each ' +
    'component of the YAML file takes the options of its command without the leading dashes (a router given ' +
    'neither table-conf nor optimizer-conf gets type=shortest-expected-delay and type=delay-per-request, the ' +
    'pair closest to the oracles in docs/evaluation.md; name type=random and type=trivial,period=10,stat=mean ' +
    "for the original's defaults). A top-level telemetry: section (endpoint, user, interval, queue, timeout; " +
    "endpoint defaults to the deployment's timeseries service) gives every controller, computer, router, " +
    'dispatcher and client --telemetry (docs/telemetry.md). See ' +
    'topologies/readme-example.yaml, the default, and topologies/etsi.yaml (ETSI MEC, etsi-balanced controller).',
  positional: {
    name: 'topology.yaml',
    description:
      "topology file (default: this package's topologies/readme-example.yaml, the original README example)",
  },
  options: [
    {
      name: 'log-dir',
      kind: 'string',
      default: '',
      description: "folder for the components' logs, kept; empty: a new temporary folder (see --keep-logs)",
    },
    {
      name: 'keep-logs',
      kind: 'flag',
      description: 'keep the temporary log folder after a clean stop too (it is kept anyway if a part fails)',
    },
    {
      name: 'exit-after-clients',
      kind: 'flag',
      description:
        'stop everything once the clients (and the COVID producer) are done, with their exit status',
    },
  ],
  async run(o) {
    const file = o.positionals[0] ?? DEFAULT_TOPOLOGY;
    const topology = loadTopology(file, COMPONENT_COMMANDS);
    const logDir = o['log-dir'];
    // Loaded here, not at start-up: it brings in every component the other commands do not need.
    const { Deployment } = await import('../deploy/deployment.js');
    // Listening from the start, so that a signal while the parts start stops those already started; a
    // repeated signal (npm forwards the Ctrl-C the terminal also sent) does not cut the stop short.
    const stopping = untilSignal({ ignoreRepeats: true });
    const abort = new AbortController();
    void stopping.then(() => abort.abort());
    let deployment: Awaited<ReturnType<typeof Deployment.start>>;
    try {
      deployment = await Deployment.start(topology, {
        ...(logDir === '' ? {} : { logDir }),
        keepLogs: o['keep-logs'],
        signal: abort.signal,
        onFailure: (message) => log.error(message),
      });
    } catch (err) {
      if (!abort.signal.aborted) throw err;
      log.info(`${await stopping} received while starting, stopped the deployment`);
      return 0;
    }
    try {
      const width = Math.max(...deployment.components.map((r) => r.component.name.length));
      const relative = path.relative(process.cwd(), file);
      const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
      const where = deployment.logsKept ? deployment.logDir : `${deployment.logDir}, removed on a clean stop`;
      let summary = `deployment of ${shown} is up (logs in ${where}):\n`;
      for (const r of deployment.components)
        summary += `  ${r.component.name.padEnd(width)}  ${r.listening}\n`;
      const dashboard = deployment.dashboardUrl;
      if (dashboard !== undefined) summary += `  ${'dashboard'.padEnd(width)}  ${dashboard}\n`;
      process.stdout.write(summary);
      const producer = deployment.producer?.then(({ code, stdout }) => {
        process.stdout.write(
          code === 0
            ? stdout
            : `timeseries: the COVID producer failed, see ${deployment.logDir}/timeseries-covid.log\n`,
        );
        return code;
      });
      const clients = deployment.runClients();
      if (o['exit-after-clients']) {
        const done = Promise.all([clients, producer ?? 0]).then(([codes, code]) => [...codes, code]);
        const codes = await Promise.race([done, stopping.then(() => [1])]);
        return codes.every((c) => c === 0) ? 0 : 1;
      }
      process.stdout.write('Press Ctrl-C to stop.\n');
      const signal = await stopping;
      log.info(`${signal} received, stopping the deployment`);
      return 0;
    } finally {
      await deployment.stop();
      if (deployment.failures.length > 0) log.error(`a part failed: logs kept in ${deployment.logDir}`);
    }
  },
});
