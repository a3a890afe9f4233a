import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { optionText, parseOptions, UsageError, type OptionSpec } from '../support/options.js';
import { parseTelemetryConf } from '../telemetry/telemetry-conf.js';

/** Kinds of component a topology holds, in start order. */
export const ROLES = [
  'timeseries',
  'mec',
  'controller',
  'computers',
  'routers',
  'dispatchers',
  'clients',
] as const;

/** A topology section name. */
export type Role = (typeof ROLES)[number];

/** The sections that are lists of components. */
const LIST_ROLES = ['computers', 'routers', 'dispatchers', 'clients'] as const;

/** The command that runs one kind of component: `soe <name>` and every option it takes. */
export interface ComponentCommand {
  name: string;
  options: readonly OptionSpec[];
}

/** The command of each kind of component; the CLI supplies its own (`cli/component-commands.ts`). */
export type CommandCatalog = Readonly<Record<Role | 'covid', ComponentCommand>>;

/** One component of a deployment: what to run and with which command-line options. */
export interface Component {
  /** Its section; `covid` is the COVID producer of the `timeseries` section. */
  role: Role | 'covid';
  /** Name used in messages: `controller`, `computers[0]`, ... */
  name: string;
  command: ComponentCommand;
  /** Command-line arguments, `--key value` pairs. */
  args: string[];
  /** Values of selected options, for the summary. */
  options: Record<string, string>;
}

/** The `telemetry:` section: where every controller, computer, router, dispatcher and client writes its figures. */
export interface TelemetrySection {
  /** The timeseries service's URL; undefined: the deployment's own (its `timeseries:` section). */
  endpoint?: string;
  /** The `key=value` pairs `--telemetry` takes after the URL (`interval=0.5,queue=1000`), '' if none. */
  conf: string;
}

/** The keys of the `telemetry:` section besides `endpoint`: those of `--telemetry` but `name`. */
const TELEMETRY_SECTION_KEYS = ['user', 'interval', 'queue', 'timeout'];

/** A parsed, validated topology. */
export interface Topology {
  components: Component[];
  /** The controller's endpoint, or '' if the topology has none. */
  controllerEndpoint: string;
  /** `soe covid produce` options to run once the timeseries service is up (its `covid:` mapping). */
  covid?: Component;
  /** Telemetry of every part (its `telemetry:` section), if any. */
  telemetry?: TelemetrySection;
}

function fail(source: string, where: string, what: string): never {
  throw new Error(`${source}: ${where}: ${what}`);
}

/** Turns `{key: value}` into `--key value` arguments, checked against the command's options. */
function component(
  catalog: CommandCatalog,
  source: string,
  role: Role | 'covid',
  name: string,
  value: unknown,
): Component {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(source, name, 'expected a mapping of option names to values');
  }
  const command = catalog[role];
  const args: string[] = [];
  const options: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const spec = command.options.find((o) => o.name === key);
    if (spec === undefined) fail(source, name, `unknown option '${key}' of 'soe ${command.name}'`);
    if (spec.kind === 'flag') {
      if (typeof v !== 'boolean') fail(source, name, `option '${key}' is a flag: use true or false`);
      if (v) args.push(`--${key}`);
      continue;
    }
    if (typeof v !== 'string' && typeof v !== 'number')
      fail(source, name, `option '${key}' needs a string or a number`);
    args.push(`--${key}`, String(v));
    options[key] = String(v);
  }
  try {
    const parsed = parseOptions(command.options, args);
    for (const o of command.options)
      if (!(o.name in options) && o.kind !== 'flag') options[o.name] = optionText(parsed, o.name);
  } catch (err) {
    if (err instanceof UsageError) fail(source, name, err.message);
    throw err;
  }
  return { role, name, command, args, options };
}

/**
 * Parses a topology (YAML): a `timeseries` mapping (options of `soe timeseries serve`, plus `covid:` with
 * options of `soe covid produce` but `endpoint` and `user`), a `mec` mapping (options of `soe mec proxy`,
 * the ETSI MEC UE application LCM proxy), a `controller` mapping and lists of
 * `computers`, `routers`, `dispatchers` and `clients`, each item the options of its command without the
 * leading dashes. Every error names the file, the component and the option.
 */
export function parseTopology(text: string, catalog: CommandCatalog, source = 'topology'): Topology {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${source}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    fail(source, 'top level', 'expected a mapping');
  const root = doc as Record<string, unknown>;
  for (const key of Object.keys(root)) {
    if (!(ROLES as readonly string[]).includes(key) && key !== 'telemetry')
      fail(source, key, `unknown section (valid: ${[...ROLES, 'telemetry'].join(', ')})`);
  }
  const components: Component[] = [];
  let covid: Component | undefined;
  if (root.timeseries !== undefined && root.timeseries !== null) {
    if (typeof root.timeseries !== 'object' || Array.isArray(root.timeseries))
      fail(source, 'timeseries', 'expected a mapping of option names to values');
    const { covid: producer, ...serve } = root.timeseries as Record<string, unknown>;
    components.push(component(catalog, source, 'timeseries', 'timeseries', serve));
    if (producer !== undefined && producer !== null) {
      for (const key of ['endpoint', 'user'])
        if (typeof producer === 'object' && key in producer)
          fail(source, 'timeseries.covid', `option '${key}' is set by soe up`);
      covid = component(catalog, source, 'covid', 'timeseries.covid', producer);
    }
  }
  if (root.mec !== undefined && root.mec !== null) {
    components.push(component(catalog, source, 'mec', 'mec', root.mec));
  }
  if (root.controller !== undefined && root.controller !== null) {
    components.push(component(catalog, source, 'controller', 'controller', root.controller));
  }
  for (const role of LIST_ROLES) {
    const list = root[role];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) fail(source, role, 'expected a list');
    list.forEach((item, i) => components.push(component(catalog, source, role, `${role}[${i}]`, item)));
  }
  const controller = components.find((c) => c.role === 'controller');
  const telemetry =
    root.telemetry === undefined || root.telemetry === null
      ? undefined
      : telemetrySection(
          source,
          root.telemetry,
          components.some((c) => c.role === 'timeseries'),
        );
  return {
    components,
    controllerEndpoint: controller?.options['server-endpoint'] ?? '',
    ...(covid !== undefined ? { covid } : {}),
    ...(telemetry !== undefined ? { telemetry } : {}),
  };
}

/**
 * The `telemetry:` section: `endpoint` (an http(s) URL; default the deployment's timeseries service) and
 * the keys of {@link TELEMETRY_SECTION_KEYS}, checked as `--telemetry` checks them.
 */
function telemetrySection(source: string, value: unknown, hasTimeseries: boolean): TelemetrySection {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(source, 'telemetry', 'expected a mapping (endpoint, user, interval, queue, timeout)');
  let endpoint: string | undefined;
  const pairs: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number')
      fail(source, 'telemetry', `option '${key}' needs a string or a number`);
    if (key === 'endpoint') endpoint = String(v);
    else if (TELEMETRY_SECTION_KEYS.includes(key)) pairs.push(`${key}=${String(v)}`);
    else
      fail(
        source,
        'telemetry',
        `unknown option '${key}' (valid: endpoint, ${TELEMETRY_SECTION_KEYS.join(', ')})`,
      );
  }
  if (endpoint === undefined && !hasTimeseries)
    fail(source, 'telemetry', "option 'endpoint' is needed without a timeseries section");
  const conf = pairs.join(',');
  try {
    parseTelemetryConf([endpoint ?? 'http://127.0.0.1:8041', ...pairs].join(','));
  } catch (err) {
    fail(source, 'telemetry', (err as Error).message.replace(/^--telemetry: /, ''));
  }
  return { ...(endpoint !== undefined ? { endpoint } : {}), conf };
}

/** Reads and parses a topology file. */
export function loadTopology(path: string, catalog: CommandCatalog): Topology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read topology file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseTopology(text, catalog, path);
}
