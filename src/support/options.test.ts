import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatOptionsHelp, optionSynopsis, parseOptions, UsageError, type OptionSpec } from './options.js';

/** Options like edgecomputer's, which has both `--server-conf` and `--server-endpoint`. */
const SPECS: OptionSpec[] = [
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
];

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
    assert.equal(o.str('server-endpoint'), '0.0.0.0:6473');
    assert.equal(o.str('server-conf'), 'type=grpc');
    assert.equal(o.str('controller-endpoint'), '');
    assert.equal(o.num('num-threads'), 5);
    assert.equal(o.num('duration'), 0);
    assert.equal(o.flag('secure'), false);
    assert.equal(o.flag('help'), false);
    assert.equal(o.isSet('num-threads'), false);
    // Unset without default.
    assert.equal(o.str('lambda'), '');
    assert.ok(Number.isNaN(o.num('weight')));
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
    assert.equal(o.str('lambda'), 'clambda1');
    assert.equal(o.num('num-threads'), 8);
    assert.equal(o.str('server-endpoint'), '127.0.0.1:6000');
    assert.equal(o.num('duration'), 2.5);
    assert.equal(o.isSet('lambda'), true);
    assert.equal(o.isSet('num-threads'), true);
    assert.equal(o.isSet('server-conf'), false);
  });

  test('a value may contain `=` and commas; a negative number is a value', () => {
    const o = parse('--server-conf=type=grpc,persistence=0.05', '--weight', '-1.5');
    assert.equal(o.str('server-conf'), 'type=grpc,persistence=0.05');
    assert.equal(o.num('weight'), -1.5);
  });

  test('unambiguous prefixes of long names are accepted', () => {
    const o = parse('--server-e', '1.2.3.4:5', '--lam=f', '--num', '3', '--sec', '--contr', 'c:1');
    assert.equal(o.str('server-endpoint'), '1.2.3.4:5');
    assert.equal(o.str('lambda'), 'f');
    assert.equal(o.num('num-threads'), 3);
    assert.equal(o.flag('secure'), true);
    assert.equal(o.str('controller-endpoint'), 'c:1');
  });

  test('`--server` is the server-endpoint when that is the only option starting with it', () => {
    const specs: OptionSpec[] = [
      { name: 'server-endpoint', kind: 'string', default: 'localhost:6473', description: 'e' },
      { name: 'lambda', kind: 'string', default: 'clambda0', description: 'l' },
    ];
    assert.equal(parseOptions(specs, ['--server', 'h:1']).str('server-endpoint'), 'h:1');
    assert.equal(parseOptions(specs, ['--server=h:2']).str('server-endpoint'), 'h:2');
  });

  test('an exact name wins over longer names it is a prefix of', () => {
    const specs: OptionSpec[] = [
      { name: 'size', kind: 'integer', description: 's' },
      { name: 'sizes', kind: 'string', description: 'ss' },
    ];
    const o = parseOptions(specs, ['--size', '3']);
    assert.equal(o.num('size'), 3);
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
    assert.equal(parse('--duration', '1e-3').num('duration'), 0.001);
    assert.equal(parse('--duration', '.5').num('duration'), 0.5);
    assert.equal(parse('--num-threads', '+7').num('num-threads'), 7);
  });

  test('flags take no argument', () => {
    assert.equal(parse('--secure').flag('secure'), true);
    usageError(['--secure=yes'], "option '--secure' does not take any arguments");
    // A word after a flag is not its value but a positional argument, which the tools do not take.
    usageError(
      ['--secure', 'yes'],
      "too many positional options have been specified on the command line ('yes')",
    );
  });

  test('flags may be repeated (e.g. --verbose --verbose)', () => {
    const o = parse('--verbose', '--verbose');
    assert.equal(o.flag('verbose'), true);
  });

  test('-h is the short alias of --help', () => {
    assert.equal(parse('-h').flag('help'), true);
    assert.equal(parse('-h').isSet('help'), true);
    assert.equal(parse('--help').flag('help'), true);
    assert.equal(parse('--he').flag('help'), true);
  });

  test('an option with a value given twice is an error', () => {
    usageError(['--lambda', 'a', '--lambda', 'b'], "option '--lambda' cannot be specified more than once");
    usageError(['--lambda=a', '--lam', 'b'], "option '--lambda' cannot be specified more than once");
  });

  test('positional arguments are rejected', () => {
    usageError(['extra'], "too many positional options have been specified on the command line ('extra')");
  });
});

describe('help text', () => {
  test('synopsis of each kind of option', () => {
    assert.equal(optionSynopsis(SPECS[0]!), '-h [ --help ]');
    assert.equal(optionSynopsis(SPECS[1]!), '--server-endpoint arg (=0.0.0.0:6473)');
    assert.equal(optionSynopsis(SPECS[3]!), '--controller-endpoint arg (=)');
    assert.equal(optionSynopsis(SPECS[4]!), '--num-threads arg (=5)');
    assert.equal(optionSynopsis(SPECS[7]!), '--lambda arg');
    assert.equal(optionSynopsis(SPECS[8]!), '--secure');
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
