import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownValue, setOwnValue } from './own-property.js';

const PROTOTYPE_KEYS = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

test("inherited properties are not values: Object.prototype's keys read as absent", () => {
  const record: Record<string, string> = { cpu: 'id-1' };
  assert.equal(ownValue(record, 'cpu'), 'id-1');
  for (const key of PROTOTYPE_KEYS) assert.equal(ownValue(record, key), undefined, key);
});

test("Object.prototype's keys are stored as ordinary own properties, without touching any prototype", () => {
  const record: Record<string, string> = {};
  for (const key of PROTOTYPE_KEYS) setOwnValue(record, key, `id-${key}`);
  assert.equal(Object.getPrototypeOf(record), Object.prototype);
  assert.deepEqual(Object.keys(record), PROTOTYPE_KEYS);
  for (const key of PROTOTYPE_KEYS) assert.equal(ownValue(record, key), `id-${key}`);
  assert.equal(
    JSON.stringify(record),
    '{"toString":"id-toString","constructor":"id-constructor","__proto__":"id-__proto__","hasOwnProperty":"id-hasOwnProperty","valueOf":"id-valueOf"}',
  );
  assert.equal(typeof {}.toString, 'function');
  setOwnValue(record, 'toString', 'replaced');
  assert.equal(ownValue(record, 'toString'), 'replaced');
});
