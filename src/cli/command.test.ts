import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OptionSpec } from '../support/options.js';
import { allOptions, defineCommand, runCommand } from './command.js';

/** What the probe command's `run` saw. */
let seen: unknown;

const probe = defineCommand({
  name: 'probe',
  summary: 'a command for the tests',
  positional: { name: 'file', description: 'a file' },
  options: [
    { name: 'lambda', kind: 'string', default: 'clambda0', description: 'lambda name' },
    { name: 'weight', kind: 'number', description: 'weight' },
    { name: 'max-requests', kind: 'integer', default: 3, description: 'requests' },
    { name: 'dry', kind: 'flag', description: 'dry runs' },
  ],
  async run(o) {
    const lambda: string = o.lambda;
    const weight: number | undefined = o.weight;
    const maxRequests: number = o['max-requests'];
    const dry: boolean = o.dry;
    // @ts-expect-error -- misspelt option name
    const misspelt: unknown = o.lamda;
    // @ts-expect-error -- misspelt option name
    const notSet = o.isSet('wieght');
    seen = {
      lambda,
      weight,
      maxRequests,
      dry,
      misspelt,
      notSet,
      file: o.positionals[0],
      set: o.isSet('weight'),
    };
    return 7;
  },
});

test("run receives the command's own options, typed, with isSet and the positional", async () => {
  assert.equal(await runCommand(probe, ['--weight', '0.5', 'x.yaml', '--dry'], 'probe'), 7);
  assert.deepEqual(seen, {
    lambda: 'clambda0',
    weight: 0.5,
    maxRequests: 3,
    dry: true,
    misspelt: undefined,
    notSet: false,
    file: 'x.yaml',
    set: true,
  });
  assert.equal(await runCommand(probe, ['--lambda=f', '--max', '9'], 'probe'), 7);
  assert.deepEqual(seen, {
    lambda: 'f',
    weight: undefined,
    maxRequests: 9,
    dry: false,
    misspelt: undefined,
    notSet: false,
    file: undefined,
    set: false,
  });
});

test('the common options follow the command’s own', () => {
  assert.deepEqual(
    allOptions(probe).map((o) => o.name),
    ['lambda', 'weight', 'max-requests', 'dry', 'help', 'version', 'verbose'],
  );
});

test('defineCommand refuses options whose names are not literal (any name would compile)', () => {
  const loose: OptionSpec[] = [{ name: 'lambda', kind: 'string', description: 'l' }];
  const command = defineCommand({
    name: 'loose',
    summary: 's',
    // @ts-expect-error -- names typed `string`
    options: loose,
    async run() {
      return 0;
    },
  });
  assert.equal(command.options, loose);
});
