import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { Dag } from '../protocol/dag.js';

/** A group of identical simulated computers. */
export interface ComputerGroup {
  /** How many computers of this kind. */
  count: number;
  /** Operations per second of each core. */
  speed: number;
  cores: number;
  /** Tasks a computer runs at once; more wait in its FIFO. */
  workers: number;
}

/** A lambda every computer serves: `ops = op-offset + op-coeff · input bytes`. */
export interface LabLambda {
  name: string;
  opCoeff: number;
  opOffset: number;
  /**
   * A real function (OpenWhisk `main(params)`, called with `{size}`): the live engine runs it on js
   * computers instead of simulating the operations; the virtual engine (and the oracles) use the model.
   */
  js?: string;
}

/**
 * How an application's functions are called: `client-driven` (the client calls a node's function through
 * the broker when every predecessor's call has returned) or `hop-by-hop` (the computer that ran a node
 * sends each successor that became ready through its companion broker, the sink's computer calls back the
 * client; see src/lab/hop-by-hop.ts).
 */
export type ApplicationMode = 'client-driven' | 'hop-by-hop';

/** The application modes, in the order error messages list them. */
export const APPLICATION_MODES: readonly ApplicationMode[] = ['client-driven', 'hop-by-hop'];

/**
 * What a broker learns from, hop by hop: `ack` (as a real router: the computer's immediate
 * acknowledgement ends the forwarding) or `completion` (a what-if of the lab: the forwarding ends, and the
 * broker learns, when the function completed, as if the computer reported it to the broker).
 */
export type HopFeedback = 'ack' | 'completion';

/** The hop-by-hop feedbacks, in the order error messages list them. */
export const HOP_FEEDBACKS: readonly HopFeedback[] = ['ack', 'completion'];

/**
 * What one request of the workload runs: a single function, or an application of several, run
 * client-driven or hop by hop. A chain is the DAG whose node i has the single successor i + 1.
 */
export interface LabApplication {
  kind: 'function' | 'chain' | 'dag';
  /** How the functions are called (a single function: `client-driven`, one call). */
  mode: ApplicationMode;
  /** Hop by hop, what the brokers learn from; absent: `ack` (and client-driven, where it means nothing). */
  feedback?: HopFeedback;
  /** The function (a name of the experiment's `functions`) of each node; node 0 is the source. */
  nodes: string[];
  /** The successors of each node (node indices, one list per node; the sink's is empty). */
  successors: number[][];
}

/** How requests arrive. */
export type ArrivalKind = 'poisson' | 'uniform' | 'on-off' | 'trace';

/** The workload: arrivals, sizes, offered loads and run length. */
export interface Workload {
  arrivals: ArrivalKind;
  /** Input sizes, bytes: uniform integers in [min, max]. */
  sizes: { min: number; max: number };
  /** Offered loads as fractions of the total capacity, in the order of the table. */
  loads: number[];
  /** Seconds of arrivals. */
  duration: number;
  /** Requests arriving before this many seconds are not measured. */
  warmUp: number;
  /** Mean ON and OFF period lengths, seconds (on-off only). */
  on: number;
  off: number;
  /** Trace file (trace only), resolved against the experiment file's folder. */
  trace: string;
}

/** What kind of broker a policy runs on, with its confs. */
export type BrokerConf =
  { kind: 'router'; tableConf: string; optimizerConf: string } | { kind: 'dispatcher'; ptimeEstConf: string };

/** A policy under test: a name for the table and its broker. */
export interface LabPolicy {
  name: string;
  broker: BrokerConf;
}

/** The statistics a table can report, each a column `<metric>_s` and `<metric>_vs_oracle`. */
export const METRICS = ['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

/** A reported statistic of the response times. */
export type Metric = (typeof METRICS)[number];

/** A validated experiment. */
export interface Experiment {
  name: string;
  seed: number;
  /** One-way network delay of each hop, seconds (virtual engine). */
  networkDelay: number;
  /** The functions every computer serves (one container each), names distinct, in file order. */
  functions: LabLambda[];
  /** What a request runs: the single function, or a chain or DAG of the functions. */
  application: LabApplication;
  computers: ComputerGroup[];
  /** Number of second-tier brokers (0: a single broker in front of all computers). */
  secondTier: number;
  /** `--router-conf` of every broker. */
  routerConf: string;
  workload: Workload;
  policies: LabPolicy[];
  metrics: Metric[];
}

/** The name of the clairvoyant baseline in tables (a reserved policy name): earliest completion. */
export const ORACLE = 'oracle';

/** The name of the second clairvoyant reference (reserved): least added delay, see src/lab/oracle.ts. */
export const ORACLE_MARGINAL = 'oracle-marginal';

/** The clairvoyant dispatchers every lab run includes, by table name. */
export type OracleName = typeof ORACLE | typeof ORACLE_MARGINAL;

/** An experiment file that cannot be used; the message names the file and the field. */
export class ExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentError';
  }
}

type Node = Record<string, unknown>;

/** Reads typed fields of one mapping of the file, failing with `<source>: <path>: <problem>`. */
class Fields {
  constructor(
    private readonly source: string,
    readonly path: string,
    private readonly node: Node,
    allowed: readonly string[],
  ) {
    for (const key of Object.keys(node)) {
      if (!allowed.includes(key)) this.fail(key, `unknown field (valid: ${allowed.join(', ')})`);
    }
  }

  /** Fails naming a field of this mapping. */
  fail(key: string, what: string): never {
    throw new ExperimentError(`${this.source}: ${this.at(key)}: ${what}`);
  }

  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.node[key] !== undefined && this.node[key] !== null;
  }

  raw(key: string): unknown {
    if (!this.has(key)) this.fail(key, 'missing');
    return this.node[key];
  }

  number(key: string, check: (n: number) => boolean, what: string, fallback?: number): number {
    if (!this.has(key) && fallback !== undefined) return fallback;
    const v = this.raw(key);
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || !check(n))
      this.fail(key, `expected ${what}, found ${JSON.stringify(v)}`);
    return n;
  }

  string(key: string, fallback?: string): string {
    if (!this.has(key) && fallback !== undefined) return fallback;
    const v = this.raw(key);
    if (typeof v !== 'string' || v === '')
      this.fail(key, `expected a non-empty string, found ${JSON.stringify(v)}`);
    return v;
  }

  mapping(key: string, allowed: readonly string[]): Fields {
    const v = this.raw(key);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, 'expected a mapping');
    return new Fields(this.source, this.at(key), v as Node, allowed);
  }

  list(key: string): unknown[] {
    const v = this.raw(key);
    if (!Array.isArray(v) || v.length === 0) this.fail(key, 'expected a non-empty list');
    return v;
  }

  item(key: string, i: number, value: unknown, allowed: readonly string[]): Fields {
    const path = `${this.at(key)}[${i}]`;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ExperimentError(`${this.source}: ${path}: expected a mapping`);
    return new Fields(this.source, path, value as Node, allowed);
  }
}

const positive = (n: number): boolean => n > 0;
const nonNegative = (n: number): boolean => n >= 0;
const positiveInteger = (n: number): boolean => Number.isInteger(n) && n >= 1;

/** The names a real function (`lambda.js`) or a function of an application may have. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,200}$/;

/** A function's name and costs (`lambda`, or an item of `application.functions`). */
function labLambda(f: Fields, fallbackName?: string): LabLambda {
  return {
    name: f.string('name', fallbackName),
    opCoeff: f.number('op-coeff', nonNegative, 'operations per input byte (>= 0)'),
    opOffset: f.number('op-offset', nonNegative, 'operations (>= 0)', 0),
  };
}

/** The node list of `application.chain` or `application.dag.nodes`: names of declared functions. */
function nodeNames(f: Fields, key: string, declared: ReadonlySet<string>): string[] {
  return f.list(key).map((v, i) => {
    if (typeof v !== 'string' || !declared.has(v))
      f.fail(
        `${key}[${i}]`,
        `expected a function of application.functions (${[...declared].join(', ')}), found ${JSON.stringify(v)}`,
      );
    return v;
  });
}

/** `successors` of `application.dag`: one list per node but the sink (the original's), or per node. */
function dagSuccessors(f: Fields, nodes: readonly string[]): number[][] {
  const lists = f.list('successors').map((v, i) => {
    if (!Array.isArray(v) || !v.every((j) => Number.isInteger(j)))
      f.fail(`successors[${i}]`, `expected a list of node indices, found ${JSON.stringify(v)}`);
    return v as number[];
  });
  // The sink may list its (empty) successors too.
  if (lists.length === nodes.length && lists.at(-1)!.length === 0) lists.pop();
  try {
    new Dag(lists, nodes, {});
  } catch (err) {
    f.fail('successors', (err as Error).message);
  }
  return [...lists, []];
}

/** The functions of an experiment and what a request runs: `lambda` (one function) or `application`. */
function whatRuns(root: Fields): { functions: LabLambda[]; application: LabApplication } {
  if (root.has('lambda') === root.has('application'))
    root.fail('lambda', 'give exactly one of lambda (a single function) or application (a chain or DAG)');
  if (root.has('lambda')) {
    const l = root.mapping('lambda', ['name', 'op-coeff', 'op-offset', 'js']);
    const lambda = labLambda(l, 'clambda0');
    if (l.has('js')) {
      lambda.js = l.string('js');
      if (!FUNCTION_NAME.test(lambda.name))
        l.fail('name', 'with js, a function name (letters, digits, _ and -, at most 200)');
    }
    return {
      functions: [lambda],
      application: { kind: 'function', mode: 'client-driven', nodes: [lambda.name], successors: [[]] },
    };
  }
  const a = root.mapping('application', ['functions', 'chain', 'dag', 'mode', 'feedback']);
  const mode = a.string('mode', 'client-driven');
  if (!(APPLICATION_MODES as readonly string[]).includes(mode))
    a.fail('mode', `expected one of ${APPLICATION_MODES.join(', ')}, found '${mode}'`);
  const feedback = a.string('feedback', 'ack');
  if (!(HOP_FEEDBACKS as readonly string[]).includes(feedback))
    a.fail('feedback', `expected one of ${HOP_FEEDBACKS.join(', ')}, found '${feedback}'`);
  if (a.has('feedback') && mode !== 'hop-by-hop') a.fail('feedback', 'only with mode: hop-by-hop');
  const how = mode === 'hop-by-hop' && feedback === 'completion' ? { feedback: 'completion' as const } : {};
  const names = new Set<string>();
  const functions = a.list('functions').map((value, i) => {
    const item = a.item('functions', i, value, ['name', 'op-coeff', 'op-offset']);
    const f = labLambda(item);
    if (!FUNCTION_NAME.test(f.name))
      item.fail(
        'name',
        `expected a function name (letters, digits, _ and -, at most 200), found '${f.name}'`,
      );
    if (names.has(f.name)) a.fail(`functions[${i}].name`, `duplicate function name '${f.name}'`);
    names.add(f.name);
    return f;
  });
  if (a.has('chain') === a.has('dag')) a.fail('chain', 'give exactly one of chain or dag');
  if (a.has('chain')) {
    const nodes = nodeNames(a, 'chain', names);
    const successors = nodes.map((_, i) => (i + 1 < nodes.length ? [i + 1] : []));
    try {
      new Dag(successors.slice(0, -1), nodes, {});
    } catch (err) {
      a.fail('chain', (err as Error).message);
    }
    return {
      functions,
      application: { kind: 'chain', mode: mode as ApplicationMode, ...how, nodes, successors },
    };
  }
  const d = a.mapping('dag', ['nodes', 'successors']);
  const nodes = nodeNames(d, 'nodes', names);
  return {
    functions,
    application: {
      kind: 'dag',
      mode: mode as ApplicationMode,
      ...how,
      nodes,
      successors: dagSuccessors(d, nodes),
    },
  };
}

function computers(root: Fields): ComputerGroup[] {
  return root.list('computers').map((value, i) => {
    const f = root.item('computers', i, value, ['count', 'speed', 'cores', 'workers']);
    return {
      count: f.number('count', positiveInteger, 'a positive integer', 1),
      speed: f.number('speed', positive, 'a positive number of operations/s'),
      cores: f.number('cores', positiveInteger, 'a positive integer', 1),
      workers: f.number('workers', positiveInteger, 'a positive integer', 1000),
    };
  });
}

const ARRIVALS: readonly ArrivalKind[] = ['poisson', 'uniform', 'on-off', 'trace'];

function workload(root: Fields, folder: string): Workload {
  const f = root.mapping('workload', [
    'arrivals',
    'sizes',
    'loads',
    'duration',
    'warm-up',
    'on',
    'off',
    'trace',
  ]);
  const arrivals = f.string('arrivals', 'poisson');
  if (!(ARRIVALS as readonly string[]).includes(arrivals))
    f.fail('arrivals', `expected one of ${ARRIVALS.join(', ')}, found '${arrivals}'`);
  const s = f.mapping('sizes', ['min', 'max']);
  const min = s.number('min', (n) => Number.isInteger(n) && n >= 0, 'a size in bytes');
  const max = s.number('max', (n) => Number.isInteger(n) && n >= min, `an integer >= min (${min})`);
  const loads = f.list('loads').map((v, i): number => {
    if (typeof v === 'number' && v > 0 && v < 1) return v;
    return f.fail(`loads[${i}]`, `expected a fraction of the capacity in (0, 1), found ${JSON.stringify(v)}`);
  });
  const duration = f.number('duration', positive, 'a positive number of seconds');
  const warmUp = f.number('warm-up', (n) => n >= 0 && n < duration, `seconds in [0, duration)`, 0);
  const kind = arrivals as ArrivalKind;
  const on = kind === 'on-off' ? f.number('on', positive, 'a positive mean ON time, s') : 0;
  const off = kind === 'on-off' ? f.number('off', positive, 'a positive mean OFF time, s') : 0;
  const trace = kind === 'trace' ? resolve(folder, f.string('trace')) : '';
  return { arrivals: kind, sizes: { min, max }, loads, duration, warmUp, on, off, trace };
}

function policies(root: Fields): LabPolicy[] {
  const names = new Set<string>();
  return root.list('policies').map((value, i) => {
    const f = root.item('policies', i, value, ['name', 'router', 'dispatcher']);
    const name = f.string('name');
    if (name === ORACLE || name === ORACLE_MARGINAL)
      f.fail('name', `'${name}' is reserved: the oracles are always run`);
    if (!/^[A-Za-z0-9_.+-]+$/.test(name))
      f.fail('name', `use letters, digits and _.+- only, found '${name}'`);
    if (names.has(name)) f.fail('name', `duplicate policy name '${name}'`);
    names.add(name);
    if (f.has('router') === f.has('dispatcher')) f.fail('router', 'give exactly one of router or dispatcher');
    if (f.has('router')) {
      const r = f.mapping('router', ['table-conf', 'optimizer-conf']);
      return {
        name,
        broker: {
          kind: 'router',
          tableConf: r.string('table-conf'),
          optimizerConf: r.string('optimizer-conf', 'type=trivial,period=1,stat=mean'),
        },
      };
    }
    const d = f.mapping('dispatcher', ['ptimeest-conf']);
    return { name, broker: { kind: 'dispatcher', ptimeEstConf: d.string('ptimeest-conf') } };
  });
}

function metrics(root: Fields): Metric[] {
  if (!root.has('metrics')) return ['mean', 'p99'];
  return root.list('metrics').map((v, i) => {
    if (typeof v !== 'string' || !(METRICS as readonly string[]).includes(v))
      root.fail(`metrics[${i}]`, `expected one of ${METRICS.join(', ')}, found ${JSON.stringify(v)}`);
    return v as Metric;
  });
}

/**
 * Parses and validates an experiment (YAML); every error names the file and the field, e.g.
 * `lab/x.yaml: workload.loads[2]: expected a fraction of the capacity in (0, 1), found 1.5`. `folder`
 * is where relative paths (a trace) are resolved.
 */
export function parseExperiment(text: string, source = 'experiment', folder = '.'): Experiment {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ExperimentError(`${source}: invalid YAML: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ExperimentError(`${source}: expected a mapping at the top level`);
  const root = new Fields(source, '', doc as Node, [
    'name',
    'description',
    'seed',
    'network-delay',
    'lambda',
    'application',
    'computers',
    'second-tier',
    'router-conf',
    'workload',
    'policies',
    'metrics',
  ]);
  const { functions, application } = whatRuns(root);
  if (root.has('description')) root.string('description');
  const groups = computers(root);
  const total = groups.reduce((n, g) => n + g.count, 0);
  const secondTier = root.number(
    'second-tier',
    (n) => Number.isInteger(n) && n >= 0 && n <= total,
    `a number of second-tier brokers in [0, ${total}] (the computers)`,
    0,
  );
  const experiment: Experiment = {
    name: root.string('name'),
    seed: root.number(
      'seed',
      (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32,
      'a 32-bit unsigned integer',
      1,
    ),
    networkDelay: root.number('network-delay', nonNegative, 'seconds (>= 0)', 0.0005),
    functions,
    application,
    computers: groups,
    secondTier,
    routerConf: root.string('router-conf', 'max-pending-clients=0,min-forward-time=0,max-forward-time=0'),
    workload: workload(root, folder),
    policies: policies(root),
    metrics: metrics(root),
  };
  if (!(meanOps(experiment) > 0)) {
    const field = application.kind === 'function' ? 'lambda' : 'application.functions';
    root.fail(field, 'the mean request needs no operations: give op-coeff or op-offset');
  }
  return experiment;
}

/** Reads and parses an experiment file; relative paths in it are relative to its folder. */
export function loadExperiment(path: string): Experiment {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ExperimentError(`Cannot read experiment file ${path}: ${(err as Error).message}`);
  }
  return parseExperiment(text, path, dirname(path));
}

/** Total operations per second of all computers. */
export function capacity(e: Experiment): number {
  return e.computers.reduce((sum, g) => sum + g.count * g.speed * g.cores, 0);
}

/** The mean operations of a request: of every node of its application, each called with the request's size. */
export function meanOps(e: Experiment): number {
  const { min, max } = e.workload.sizes;
  const byName = new Map(e.functions.map((f) => [f.name, f]));
  return e.application.nodes.reduce((sum, name) => {
    const f = byName.get(name)!;
    return sum + f.opOffset + (f.opCoeff * (min + max)) / 2;
  }, 0);
}

/** Requests per second that make an offered load (fraction of the capacity). */
export function arrivalRate(e: Experiment, load: number): number {
  return (load * capacity(e)) / meanOps(e);
}

/** Every computer, one entry per machine, groups in file order. */
export function computerList(e: Experiment): ComputerGroup[] {
  return e.computers.flatMap((g) => Array.from({ length: g.count }, () => g));
}

/**
 * The seed of one random stream of a run at a load: the experiment's seed, the load in parts per million
 * (not its position, so that a table restricted to some loads has the same rows) and the stream number.
 */
export function streamSeed(e: Experiment, load: number, ...stream: number[]): number[] {
  return [e.seed, Math.round(load * 1e6), ...stream];
}
