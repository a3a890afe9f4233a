import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllerTypes } from './controller-types.js';

const OPTIONS = { file: '', etsiApiRoot: '', balancedEndpoint: '', balancedPeriod: 5, version: '0' };

test('plain adds no logic of its own', async () => {
  const run = await controllerTypes.get('plain').start(OPTIONS);
  assert.deepEqual(run.hooks, {});
  await run.close();
});

test("unknown types, Object.prototype's keys included, get the original's error", () => {
  for (const name of ['mesh', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    assert.throws(() => controllerTypes.get(name), {
      message: `Invalid type '${name}', choose one in: plain`,
    });
  }
});
