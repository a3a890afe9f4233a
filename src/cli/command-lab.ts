import type { Engine } from '../lab/lab-run.js';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';

const log = logger('lab');

/** `soe lab run exp.yaml`: the scheduling lab. */
export const labCommand = defineCommand({
  name: 'lab',
  summary:
    'Run a scheduling experiment: every policy and two clairvoyant oracles, per offered load (`soe lab run exp.yaml`).',
  details:
    'The experiment file (YAML, see lab/*.yaml and docs/evaluation.md) gives the computers, the brokers’ ' +
    'policies, the workload and the offered loads, and what a request runs: one function (lambda) or an ' +
    'application (application: its functions and a chain or DAG of them, called client-driven, or hop by hop ' +
    'with mode: hop-by-hop, virtual engine only: a request’s time is from its arrival to its last function’s ' +
    'reply, or callback). Each policy runs at each load on the same arrivals, in ' +
    'virtual time (a discrete-event run of the real policy, optimizer, estimator and computer-model code on a ' +
    'simulated clock: deterministic, the same seed gives the same table) or live (real processes on ' +
    'loopback, as soe up starts them, in real time: for small scenarios). The oracle, which sends each request ' +
    '(each function of an application when it becomes ready) where it completes first knowing every ' +
    'computer’s exact state, and oracle-marginal, which sends it where ' +
    'it adds the least to the sum of all response times (its own and the delay it causes the tasks already ' +
    'there), always run in virtual time; ratios are to the oracle. Prints the ' +
    'CSV table `policy,load,mean_s,p99_s,mean_vs_oracle,p99_vs_oracle` (other metrics add columns) and, with ' +
    '--out, writes it to DIR/<name>.csv with a plot per metric, DIR/<name>-<metric>.svg.',
  positional: { name: 'run experiment.yaml', description: 'the action (run) and the experiment file' },
  positionals: 2,
  options: [
    {
      name: 'out',
      kind: 'string',
      default: '',
      description: 'folder for the CSV table and the SVG plots; empty: none',
    },
    { name: 'engine', kind: 'string', default: 'virtual', description: 'how the policies run: virtual|live' },
  ],
  async run(o) {
    const [action, file] = o.positionals;
    if (action !== 'run' || file === undefined)
      throw new Error('usage: soe lab run <experiment.yaml> [--out DIR]');
    // Loaded here, not at start-up: the other commands need none of the lab.
    const [{ loadExperiment }, { runExperiment, writeOutputs }, { csvTable, formatSeconds }] =
      await Promise.all([
        import('../lab/experiment.js'),
        import('../lab/lab-run.js'),
        import('../lab/report.js'),
      ]);
    const experiment = loadExperiment(file);
    const engineName = o.engine;
    let engine: Engine;
    if (engineName === 'virtual') engine = (await import('../lab/engine-virtual.js')).runVirtual;
    else if (engineName === 'live') {
      const live = await import('../lab/engine-live.js');
      live.assertLiveRunnable(experiment);
      engine = live.liveEngine((await import('./component-commands.js')).COMPONENT_COMMANDS);
    } else throw new Error(`Invalid engine: ${engineName} (virtual or live)`);
    const rows = await runExperiment(experiment, engine, (policy, load, result, seconds) =>
      log.info(
        `${policy} at load ${load}: ${result.requests} requests, ${result.times.length} measured, ` +
          `${formatSeconds(seconds)} s`,
      ),
    );
    process.stdout.write(csvTable(rows, experiment.metrics));
    const out = o.out;
    if (out !== '') for (const path of writeOutputs(experiment, rows, out)) log.info(`wrote ${path}`);
    return 0;
  },
});
