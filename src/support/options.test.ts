import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  defineOptions,
  formatOptionsHelp,
  optionSynopsis,
  optionText,
  parseOptions,
  UsageError,
  type OptionSpec,
} from './options.js';

/** Options like edgecomputer's, which has both `--server-conf` and `--server-endpoint`. */
const SPECS = defineOptions([
  { name: 'help', short: 'h', kind: 'flag', description: 'produce help message' },
  { name: 'server-endpoint', kind: 'string', default: '0.0.0.0:6473', description: 'server end-point' },
  { name: 'server-conf', kind: 'string', default: 'type=grpc', description: 'configuration of the server' },
  { name: 'controller-endpoint', kind: 'string', default: '', description: 'e-controller end-point' },
  { name: 'num-threads', kind: 'integer', default: 5, description: 'number of threads' },
  { name: 'duration', kind: 'number', default: 0, description: 'duration, in s' },
  { name: 'weight', kind: 'number', description: 'weight' },
  { name: 'lambda', kind: 'string', description: 'lambda name' },
  { name: 'secure', kind: 'flag', description: 'use TLS' },
  { name: 'verbose', kind: 'flag', description: 'more logs' },
]);

const parse = (...argv: string[]) => parseOptions(SPECS, argv);

function usageError(argv: string[], message: string) {
  assert.throws(
    () => parseOptions(SPECS, argv),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, `not a UsageError: ${String(err)}`);
      assert.equal(err.message, message);
      assert.equal(err.name, 'UsageError');
      return true;
    },
  );
}

describe('parseOptions (boost::program_options style)', () => {
  test('defaults when nothing is given; isSet is false for defaulted options', () => {
    const o = parse();
    assert.equal(o['server-endpoint'], '0.0.0.0:6473');
    assert.equal(o['server-conf'], 'type=grpc');
    assert.equal(o['controller-endpoint'], '');
    assert.equal(o['num-threads'], 5);
    assert.equal(o.duration, 0);
    assert.equal(o.secure, false);
    assert.equal(o.help, false);
    assert.equal(o.isSet('num-threads'), false);
    // Unset without default.
    assert.equal(o.lambda, undefined);
    assert.equal(o.weight, undefined);
  });

  test('--name value and --name=value', () => {
    const o = parse(
      '--lambda',
      'clambda1',
      '--num-threads=8',
      '--server-endpoint',
      '127.0.0.1:6000',
      '--duration=2.5',
    );
    assert.equal(o.lambda, 'clambda1');
    assert.equal(o['num-threads'], 8);
    assert.equal(o['server-endpoint'], '127.0.0.1:6000');
    assert.equal(o.duration, 2.5);
    assert.equal(o.isSet('lambda'), true);
    assert.equal(o.isSet('num-threads'), true);
    assert.equal(o.isSet('server-conf'), false);
  });

  test('a value may contain `=` and commas; a negative number is a value', () => {
    const o = parse('--server-conf=type=grpc,persistence=0.05', '--weight', '-1.5');
    assert.equal(o['server-conf'], 'type=grpc,persistence=0.05');
    assert.equal(o.weight, -1.5);
  });

  test('unambiguous prefixes of long names are accepted', () => {
    const o = parse('--server-e', '1.2.3.4:5', '--lam=f', '--num', '3', '--sec', '--contr', 'c:1');
    assert.equal(o['server-endpoint'], '1.2.3.4:5');
    assert.equal(o.lambda, 'f');
    assert.equal(o['num-threads'], 3);
    assert.equal(o.secure, true);
    assert.equal(o['controller-endpoint'], 'c:1');
  });

  test('`--server` is the server-endpoint when that is the only option starting with it', () => {
    const specs = defineOptions([
      { name: 'server-endpoint', kind: 'string', default: 'localhost:6473', description: 'e' },
      { name: 'lambda', kind: 'string', default: 'clambda0', description: 'l' },
    ]);
    assert.equal(parseOptions(specs, ['--server', 'h:1'])['server-endpoint'], 'h:1');
    assert.equal(parseOptions(specs, ['--server=h:2'])['server-endpoint'], 'h:2');
  });

  test('an exact name wins over longer names it is a prefix of', () => {
    const specs = defineOptions([
      { name: 'size', kind: 'integer', description: 's' },
      { name: 'sizes', kind: 'string', description: 'ss' },
    ]);
    const o = parseOptions(specs, ['--size', '3']);
    assert.equal(o.size, 3);
    assert.equal(o.isSet('sizes'), false);
  });

  test('ambiguous prefix', () => {
    usageError(
      ['--server', 'x'],
      "option '--server' is ambiguous and matches '--server-conf', and '--server-endpoint'",
    );
    usageError(
      ['--s=x'],
      "option '--s' is ambiguous and matches '--secure', '--server-conf', and '--server-endpoint'",
    );
  });

  test('unknown options', () => {
    usageError(['--nope'], "unrecognised option '--nope'");
    usageError(['--nope=1'], "unrecognised option '--nope'");
    usageError(['-x'], "unrecognised option '-x'");
  });

  test('missing argument', () => {
    usageError(['--lambda'], "the required argument for option '--lambda' is missing");
    usageError(['--lambda', '--secure'], "the required argument for option '--lambda' is missing");
    usageError(['--num-threads', '-h'], "the required argument for option '--num-threads' is missing");
    usageError(
      ['--lambda='],
      "the argument for option '--lambda' should follow immediately after the equal sign",
    );
  });

  test('bad numbers', () => {
    usageError(['--num-threads', 'abc'], "the argument ('abc') for option '--num-threads' is invalid");
    usageError(['--num-threads=2.5'], "the argument ('2.5') for option '--num-threads' is invalid");
    usageError(['--num-threads=0x10'], "the argument ('0x10') for option '--num-threads' is invalid");
    usageError(['--num-threads=1e3'], "the argument ('1e3') for option '--num-threads' is invalid");
    usageError(['--duration', '1s'], "the argument ('1s') for option '--duration' is invalid");
    usageError(['--duration', ' '], "the argument (' ') for option '--duration' is invalid");
    usageError(['--duration', 'Infinity'], "the argument ('Infinity') for option '--duration' is invalid");
    assert.equal(parse('--duration', '1e-3').duration, 0.001);
    assert.equal(parse('--duration', '.5').duration, 0.5);
    assert.equal(parse('--num-threads', '+7')['num-threads'], 7);
  });

  test('flags take no argument', () => {
    assert.equal(parse('--secure').secure, true);
    usageError(['--secure=yes'], "option '--secure' does not take any arguments");
    // A word after a flag is not its value but a positional argument, which the tools do not take.
    usageError(
      ['--secure', 'yes'],
      "too many positional options have been specified on the command line ('yes')",
    );
  });

  test('flags may be repeated (e.g. --verbose --verbose)', () => {
    const o = parse('--verbose', '--verbose');
    assert.equal(o.verbose, true);
  });

  test('-h is the short alias of --help', () => {
    assert.equal(parse('-h').help, true);
    assert.equal(parse('-h').isSet('help'), true);
    assert.equal(parse('--help').help, true);
    assert.equal(parse('--he').help, true);
  });

  test('an option with a value given twice is an error', () => {
    usageError(['--lambda', 'a', '--lambda', 'b'], "option '--lambda' cannot be specified more than once");
    usageError(['--lambda=a', '--lam', 'b'], "option '--lambda' cannot be specified more than once");
  });

  test('positional arguments are rejected', () => {
    usageError(['extra'], "too many positional options have been specified on the command line ('extra')");
  });
});

describe('the typed options object', () => {
  test('one property per option, keyed by long name: strings, numbers, flags; undefined if unset without default', () => {
    const o = parse('--lambda', 'f', '--weight=0.25', '--secure', '--num-threads', '8');
    assert.deepEqual(
      { ...o },
      {
        help: false,
        'server-endpoint': '0.0.0.0:6473',
        'server-conf': 'type=grpc',
        'controller-endpoint': '',
        'num-threads': 8,
        duration: 0,
        weight: 0.25,
        lambda: 'f',
        secure: true,
        verbose: false,
      },
    );
    assert.deepEqual(
      Object.keys(o),
      SPECS.map((s) => s.name),
    );
  });

  test('a default given as text is parsed as the option is (an integer default of 2^64 − 1 is a number)', () => {
    const specs = defineOptions([
      { name: 'max-requests', kind: 'integer', default: '18446744073709551615', description: 'm' },
      { name: 'rate', kind: 'number', default: '0.5', description: 'r' },
    ]);
    const o = parseOptions(specs, []);
    assert.equal(o['max-requests'], 2 ** 64);
    assert.equal(o.rate, 0.5);
  });

  test('isSet and positionals are there but are not options', () => {
    const o = parseOptions(SPECS, ['run', '--lambda', 'f', 'x.yaml'], 2);
    assert.deepEqual(o.positionals, ['run', 'x.yaml']);
    assert.equal(o.isSet('lambda'), true);
    assert.equal(o.isSet('weight'), false);
    assert.equal(Object.keys(o).includes('isSet'), false);
    assert.equal(Object.keys(o).includes('positionals'), false);
    assert.deepEqual(parse().positionals, []);
  });

  test('the object cannot be changed and has no prototype keys', () => {
    const o = parse();
    assert.ok(Object.isFrozen(o));
    assert.ok(Object.isFrozen(o.positionals));
    assert.throws(() => Object.assign(o, { lambda: 'g' }), TypeError);
    assert.equal(Object.getPrototypeOf(o), null);
    assert.equal('toString' in o, false);
  });

  test('an option cannot be named isSet or positionals', () => {
    for (const name of ['isSet', 'positionals'] as const) {
      assert.throws(() => parseOptions([{ name, kind: 'flag', description: 'd' }], []), {
        message: `'${name}' cannot be the name of an option`,
      });
    }
  });

  test('optionText reads an option named at run time as text', () => {
    const specs: readonly OptionSpec[] = SPECS;
    const o = parseOptions(specs, ['--weight', '2', '--secure']);
    assert.equal(optionText(o, 'server-endpoint'), '0.0.0.0:6473');
    assert.equal(optionText(o, 'num-threads'), '5');
    assert.equal(optionText(o, 'weight'), '2');
    assert.equal(optionText(o, 'lambda'), '');
    assert.equal(optionText(o, 'secure'), 'true');
  });

  test('types: a misspelt name, a wrong value type or an unknown isSet name does not compile', () => {
    const o = parse('--lambda', 'f');
    // @ts-expect-error -- misspelt option name
    assert.equal(o['server-endpont'], undefined);
    // @ts-expect-error -- misspelt option name
    assert.equal(o.lamda, undefined);
    // @ts-expect-error -- misspelt option name
    assert.equal(o.isSet('lamda'), false);
    // @ts-expect-error -- a number option is a number
    const threads: string = o['num-threads'];
    // @ts-expect-error -- a string option without default may be undefined
    const lambda: string = o.lambda;
    // @ts-expect-error -- a number option without default may be undefined
    const weight: number = o.weight;
    const endpoint: string = o['server-endpoint'];
    const secure: boolean = o.secure;
    assert.deepEqual([threads, lambda, weight, endpoint, secure], [5, 'f', undefined, '0.0.0.0:6473', false]);
  });
});

describe('help text', () => {
  test('synopsis of each kind of option', () => {
    assert.equal(optionSynopsis(SPECS[0]), '-h [ --help ]');
    assert.equal(optionSynopsis(SPECS[1]), '--server-endpoint arg (=0.0.0.0:6473)');
    assert.equal(optionSynopsis(SPECS[3]), '--controller-endpoint arg (=)');
    assert.equal(optionSynopsis(SPECS[4]), '--num-threads arg (=5)');
    assert.equal(optionSynopsis(SPECS[7]), '--lambda arg');
    assert.equal(optionSynopsis(SPECS[8]), '--secure');
  });

  test('formatOptionsHelp: one line per option, two-blank indent, descriptions aligned', () => {
    const help = formatOptionsHelp(SPECS);
    assert.ok(help.endsWith('\n'));
    const lines = help.slice(0, -1).split('\n');
    assert.equal(lines.length, SPECS.length);
    const column = lines[0]!.indexOf('produce help message');
    assert.ok(column > 0);
    lines.forEach((line, i) => {
      const spec = SPECS[i]!;
      assert.ok(line.startsWith(`  ${optionSynopsis(spec)}`), line);
      assert.equal(line.indexOf(spec.description, column), column, line);
      assert.match(line.slice(0, column), / {2}$/, 'at least two blanks before the description');
    });
    // The widest synopsis is followed by exactly two blanks.
    const widest = Math.max(...SPECS.map((s) => optionSynopsis(s).length));
    assert.equal(column, 2 + widest + 2);
    assert.equal(lines[0], '  -h [ --help ]'.padEnd(column) + 'produce help message');
  });
});
