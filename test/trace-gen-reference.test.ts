import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { run } from './support/processes.js';

/** The original's traces (see test/fixtures/clienttracegen/README.md). */
const FIXTURES = new URL('../../test/fixtures/clienttracegen/', import.meta.url);

/** Each reference file and the command line that printed it (as in the fixtures' README). */
const CASES: [string, string][] = [
  ['clienttracegen-seed0-default.txt', '--seed 0'],
  ['clienttracegen-seed1-default.txt', '--seed 1'],
  [
    'clienttracegen-seed42-custom.txt',
    '--seed 42 --rate 3.5 --num-clients 7 --duration 20 --min-size 10 --max-size 10000 --starting-time 5 --lambda flambda',
  ],
];

for (const [file, commandLine] of CASES) {
  test(`clienttracegen ${commandLine} prints the C++ original's trace byte for byte (${file})`, async () => {
    const expected = readFileSync(new URL(file, FIXTURES), 'utf8');
    const result = await run('clienttracegen', commandLine.split(' '));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, expected);
  });
}
