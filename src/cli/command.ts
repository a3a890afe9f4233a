import { readFileSync } from 'node:fs';
import { logger, setVerbosity, getVerbosity } from '../support/logger.js';
import {
  defineOptions,
  formatOptionsHelp,
  parseOptions,
  UsageError,
  type OptionSpec,
  type OptionName,
  type Options,
  type OptionValues,
} from '../support/options.js';

/**
 * A subcommand of `soe` (and, with `alias`, a binary with the original system's name); `run` receives
 * the values of the command's own options, typed by their specs.
 */
export interface Command<Specs extends readonly OptionSpec[] = readonly OptionSpec[]> {
  /** Subcommand name: `soe <name>`. */
  name: string;
  /** The original executable's name, installed as a `bin` alias. */
  alias?: string;
  /** One line saying what it is. */
  summary: string;
  /** A paragraph for the help and docs, below the summary. */
  details?: string;
  /** Markdown for the docs only, after the options table: reference sections too long for `--help`. */
  reference?: string;
  /** A positional argument the command takes, e.g. `[topology.yaml]`. */
  positional?: { name: string; description: string };
  /** How many positional words it takes (default 1 with `positional`; `soe lab run exp.yaml` takes 2). */
  positionals?: number;
  /** The command's own options (the common ones are added by the framework). */
  options: Specs;
  /** Runs the command; resolves to the exit status. */
  run(options: Options<Specs>): Promise<number>;
}

/**
 * A command whose options keep their literal names and kinds, so that `run(o)` is typed by them; options
 * whose names are plain `string`s (specs typed `OptionSpec[]`, where any name would compile) are refused.
 */
export function defineCommand<const Specs extends readonly OptionSpec[]>(
  command: Command<Specs> &
    (string extends OptionName<Specs> ? { options: 'option names must be literal' } : unknown),
): Command<Specs> {
  return command;
}

/** Options every command has. */
export const COMMON_OPTIONS = defineOptions([
  { name: 'help', short: 'h', kind: 'flag', description: 'produce help message' },
  { name: 'version', short: 'v', kind: 'flag', description: 'print the version and exit' },
  {
    name: 'verbose',
    kind: 'flag',
    description: 'log details, per request too (same as SOE_LOG=2; SOE_LOG=N or GLOG_v=N set any level)',
  },
]);

/** All options of a command, its own first. */
export function allOptions<Specs extends readonly OptionSpec[]>(
  command: Command<Specs>,
): readonly [...Specs, ...typeof COMMON_OPTIONS] {
  return [...command.options, ...COMMON_OPTIONS];
}

/** The package version. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The help text of a command, as `--help` prints it. */
export function helpText(command: Command, invokedAs: string): string {
  const positional = command.positional ? ` [${command.positional.name}]` : '';
  let text = `Usage: ${invokedAs} [options]${positional}\n${command.summary}\n`;
  if (command.positional) text += `\n  ${command.positional.name}: ${command.positional.description}\n`;
  if (command.details) text += `\n${command.details}\n`;
  return `${text}\nAllowed options:\n${formatOptionsHelp(allOptions(command))}`;
}

/**
 * Parses the command line and runs the command: `--help` and `--version` print and exit 0, a bad
 * command line prints the problem and exits 1, and an error escaping the command is logged as
 * `Exception caught: <what>` with exit status 1.
 */
export async function runCommand<Specs extends readonly OptionSpec[]>(
  command: Command<Specs>,
  argv: readonly string[],
  invokedAs: string,
): Promise<number> {
  const log = logger(command.name);
  // The parse of all the options has the command's and the common ones: TypeScript cannot split a
  // generic list of specs, so the two views are named here.
  let options: Options<Specs> & OptionValues<typeof COMMON_OPTIONS>;
  try {
    options = parseOptions(
      allOptions(command),
      argv,
      command.positional ? (command.positionals ?? 1) : 0,
    ) as Options<Specs> & OptionValues<typeof COMMON_OPTIONS>;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${invokedAs}: ${err.message}\nTry '${invokedAs} --help' for the options.\n`);
    return 1;
  }
  if (options.help) {
    process.stdout.write(helpText(command, invokedAs));
    return 0;
  }
  if (options.version) {
    process.stdout.write(`${invokedAs} (serverless-on-edge) ${version()}\n`);
    return 0;
  }
  if (options.verbose) setVerbosity(Math.max(getVerbosity(), 2));
  try {
    return await command.run(options);
  } catch (err) {
    log.error(`Exception caught: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
