/**
 * Command-line options in the style of boost::program_options, as the original tools used:
 * `--name value` or `--name=value`, unambiguous prefixes of long names accepted (`--server` for
 * `--server-endpoint`), one-letter aliases (`-h`), defaults shown in the help.
 */

/** What an option takes. */
export type OptionKind = 'string' | 'number' | 'integer' | 'flag';

/** One option of a command. */
export interface OptionSpec {
  name: string;
  short?: string;
  kind: OptionKind;
  /** The default value, as shown in the help (absent: no default, the option is simply unset). */
  default?: string | number;
  description: string;
}

/** A wrong command line; its message is meant for the user. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parsed option values, by long name. */
export class ParsedOptions {
  constructor(
    private readonly values: Map<string, string | number | boolean>,
    private readonly given: Set<string>,
    /** Arguments that are not options, in order. */
    readonly positionals: readonly string[] = [],
  ) {}

  /** True if the option was on the command line (not just defaulted). */
  isSet(name: string): boolean {
    return this.given.has(name);
  }

  /** A string option's value ('' if unset without default). */
  str(name: string): string {
    const v = this.values.get(name);
    return v === undefined ? '' : String(v);
  }

  /** A numeric option's value (NaN if unset without default). */
  num(name: string): number {
    const v = this.values.get(name);
    return typeof v === 'number' ? v : Number.NaN;
  }

  /** A flag's value. */
  flag(name: string): boolean {
    return this.values.get(name) === true;
  }
}

/** Decimal numbers as boost's lexical_cast reads them: no blanks, no hex, no `Infinity`; integers without `.` or exponent. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

function parseValue(spec: OptionSpec, text: string): string | number {
  if (spec.kind === 'string') return text;
  const n = Number(text);
  const ok = (spec.kind === 'number' ? NUMBER : INTEGER).test(text) && Number.isFinite(n);
  if (!ok) throw new UsageError(`the argument ('${text}') for option '--${spec.name}' is invalid`);
  return n;
}

/** Finds the option a long name (or unambiguous prefix) refers to. */
function lookup(specs: readonly OptionSpec[], name: string): OptionSpec {
  const exact = specs.find((s) => s.name === name);
  if (exact) return exact;
  const matches = specs.filter((s) => s.name.startsWith(name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(`unrecognised option '--${name}'`);
  // As boost lists them: sorted, whatever the order of the options.
  const names = matches.map((s) => `'--${s.name}'`).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  throw new UsageError(
    `option '--${name}' is ambiguous and matches ${names.slice(0, -1).join(', ')}, and ${names.at(-1)!}`,
  );
}

/** Parses `argv` against the option specs; throws {@link UsageError} on a bad command line. */
export function parseOptions(
  specs: readonly OptionSpec[],
  argv: readonly string[],
  maxPositionals = 0,
): ParsedOptions {
  const positionals: string[] = [];
  const values = new Map<string, string | number | boolean>();
  const given = new Set<string>();
  for (const s of specs) {
    if (s.default !== undefined)
      values.set(s.name, typeof s.default === 'string' ? parseValue(s, s.default) : s.default);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let spec: OptionSpec;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      spec = lookup(specs, eq < 0 ? arg.slice(2) : arg.slice(2, eq));
      if (eq >= 0) {
        inline = arg.slice(eq + 1);
        if (inline === '' && spec.kind !== 'flag') {
          throw new UsageError(
            `the argument for option '--${spec.name}' should follow immediately after the equal sign`,
          );
        }
      }
    } else if (/^-[A-Za-z]/.test(arg)) {
      const found = specs.find((s) => s.short === arg[1]);
      if (!found) throw new UsageError(`unrecognised option '${arg.slice(0, 2)}'`);
      spec = found;
      if (arg.length > 2) inline = arg.slice(2);
    } else {
      if (positionals.length >= maxPositionals) {
        throw new UsageError(
          `too many positional options have been specified on the command line ('${arg}')`,
        );
      }
      positionals.push(arg);
      continue;
    }
    if (given.has(spec.name) && spec.kind !== 'flag') {
      throw new UsageError(`option '--${spec.name}' cannot be specified more than once`);
    }
    given.add(spec.name);
    if (spec.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`option '--${spec.name}' does not take any arguments`);
      values.set(spec.name, true);
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next.length > 1 && Number.isNaN(Number(next)))) {
        throw new UsageError(`the required argument for option '--${spec.name}' is missing`);
      }
      inline = next;
      i++;
    }
    values.set(spec.name, parseValue(spec, inline));
  }
  return new ParsedOptions(values, given, positionals);
}

/** The left column of an option in the help text: `-h [ --help ]`, `--lambda arg (=clambda0)`. */
export function optionSynopsis(spec: OptionSpec): string {
  let s = spec.short !== undefined ? `-${spec.short} [ --${spec.name} ]` : `--${spec.name}`;
  if (spec.kind !== 'flag') s += ' arg';
  if (spec.default !== undefined) s += ` (=${spec.default})`;
  return s;
}

/** The options block of a help text, boost-style, descriptions aligned. */
export function formatOptionsHelp(specs: readonly OptionSpec[]): string {
  const left = specs.map((s) => `  ${optionSynopsis(s)}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return specs.map((s, i) => `${left[i]!.padEnd(width)}${s.description}`).join('\n') + '\n';
}
