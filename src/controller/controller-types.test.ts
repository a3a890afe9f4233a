import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllerTypes } from './controller-types.js';

test('plain adds no logic of its own; the etsi types are known but not supported', () => {
  assert.deepEqual(controllerTypes.get('plain').hooks(), {});
  for (const name of ['etsi-file', 'etsi-balanced']) {
    assert.throws(() => controllerTypes.get(name).hooks(), {
      message: `controller type '${name}' is not supported by this release`,
    });
  }
});

test("unknown types, Object.prototype's keys included, get the original's error", () => {
  for (const name of ['mesh', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    assert.throws(() => controllerTypes.get(name), {
      message: `Invalid type '${name}', choose one in: etsi-balanced,etsi-file,plain`,
    });
  }
});
