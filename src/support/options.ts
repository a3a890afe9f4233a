/**
 * Command-line options in the style of boost::program_options, as the original tools used:
 * `--name value` or `--name=value`, unambiguous prefixes of long names accepted (`--server` for
 * `--server-endpoint`), one-letter aliases (`-h`), defaults shown in the help.
 */

/** What an option takes. */
export type OptionKind = 'string' | 'number' | 'integer' | 'flag';

/** One option of a command. */
export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: OptionKind;
  /** The default value, as shown in the help (absent: no default, the option is simply unset). */
  readonly default?: string | number;
  readonly description: string;
}

/** The value an option parses to: a flag is a boolean, a number or integer a number, else a string; `undefined` if unset without default. */
export type OptionValue<S extends OptionSpec> = S['kind'] extends 'flag'
  ? boolean
  : | (S['kind'] extends 'string' ? string : number)
    | (S extends { default: string | number } ? never : undefined);

/** The long names of a list of option specs. */
export type OptionName<Specs extends readonly OptionSpec[]> = Specs[number]['name'];

/** Parsed option values keyed by long name, each typed by its spec: a misspelt name does not compile. */
export type OptionValues<Specs extends readonly OptionSpec[]> = {
  readonly [S in Specs[number] as S['name']]: OptionValue<S>;
};

/** What a parse gives besides the values (these names cannot be option names). */
export interface ParseExtras<Specs extends readonly OptionSpec[]> {
  /** True if the option was on the command line (not just defaulted). */
  isSet(name: OptionName<Specs>): boolean;
  /** Arguments that are not options, in order. */
  readonly positionals: readonly string[];
}

/** The result of {@link parseOptions}: the typed values, `isSet` and `positionals`. */
export type Options<Specs extends readonly OptionSpec[]> = OptionValues<Specs> & ParseExtras<Specs>;

/** Names an option may not take, as they are members of {@link Options}. */
const RESERVED: readonly string[] = ['isSet', 'positionals'];

/**
 * Checks option specs written inline and keeps their literal types, so that {@link parseOptions} gives
 * a typed {@link Options}: `const OPTIONS = defineOptions([{ name: 'lambda', kind: 'string', ... }])`.
 */
export function defineOptions<const Specs extends readonly OptionSpec[]>(specs: Specs): Specs {
  return specs;
}

/** A wrong command line; its message is meant for the user. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
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

/**
 * Parses `argv` against the option specs into an object keyed by long name (every option present: a flag
 * false unless given, an option without default `undefined` unless given); throws {@link UsageError} on a
 * bad command line.
 */
export function parseOptions<const Specs extends readonly OptionSpec[]>(
  specs: Specs,
  argv: readonly string[],
  maxPositionals = 0,
): Options<Specs> {
  const positionals: string[] = [];
  const values = new Map<string, string | number | boolean>();
  const given = new Set<string>();
  for (const s of specs) {
    if (RESERVED.includes(s.name)) throw new Error(`'${s.name}' cannot be the name of an option`);
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
  const result: Record<string, string | number | boolean | undefined> = Object.create(null) as Record<
    string,
    string | number | boolean | undefined
  >;
  for (const s of specs) result[s.name] = values.get(s.name) ?? (s.kind === 'flag' ? false : undefined);
  const extras: ParseExtras<readonly OptionSpec[]> = {
    isSet: (name) => given.has(name),
    positionals: Object.freeze(positionals),
  };
  for (const [key, value] of Object.entries(extras)) Object.defineProperty(result, key, { value });
  return Object.freeze(result) as Options<Specs>;
}

/**
 * The value of an option named at run time, as text ('' if unset without default): for code that handles
 * any command's options (a topology file is checked against them); commands read their typed values.
 */
export function optionText(options: Options<readonly OptionSpec[]>, name: string): string {
  const value = options[name];
  return value === undefined ? '' : String(value);
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
