/**
 * Gnocchi's own functional tests (test/gabbits/, Gnocchi 4.4.2's gabbi files, issue 21) against
 * `soe timeseries serve` of this build: each file runs with gabbi (scripts/gabbi-run.py) against a fresh
 * server started with the options of Gnocchi's test fixture, on the embedded store and, when
 * SOE_GABBI_POSTGRES is set to a postgres:// URL, on a new PostgreSQL database per file. Each file must
 * pass at least the tests test/gabbits/expected.json records for it (`passes`, ratcheted up as fixes
 * land; `real` is what Gnocchi 4.4.2 passes). `npm run gabbi:table` prints the table.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  expectations,
  freshDatabase,
  gabbiUnavailable,
  gabbitNames,
  runGabbit,
  type GabbitResult,
} from './support/gabbi-suite.js';

const skip = gabbiUnavailable();
const postgres = process.env.SOE_GABBI_POSTGRES ?? '';

function check(name: string, result: GabbitResult): void {
  const expected = expectations()[name];
  assert.ok(expected !== undefined, `${name}.yaml has no row in test/gabbits/expected.json`);
  assert.equal(result.tests, expected.tests, `${name}: tests in the file`);
  const failed = result.failures.map((f) => `  - ${f.name}: ${f.reason.slice(0, 300)}`).join('\n');
  assert.ok(
    result.passes >= expected.passes,
    `${name}: ${result.passes} of ${result.tests} pass, the baseline is ${expected.passes}; failures:\n${failed}`,
  );
}

describe('Gnocchi gabbits, embedded store', { skip }, () => {
  test('every gabbit file has a baseline row', () => {
    assert.deepEqual(Object.keys(expectations()).sort(), gabbitNames());
  });
  for (const name of skip === false ? gabbitNames() : []) {
    test(name, async () => check(name, await runGabbit(name)));
  }
});

describe(
  'Gnocchi gabbits, PostgreSQL',
  { skip: skip || (postgres === '' ? 'SOE_GABBI_POSTGRES unset' : false) },
  () => {
    for (const name of skip === false && postgres !== '' ? gabbitNames() : []) {
      test(name, async () => {
        const db = await freshDatabase(postgres);
        try {
          check(name, await runGabbit(name, db.url));
        } finally {
          await db.drop();
        }
      });
    }
  },
);
