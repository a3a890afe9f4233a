import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from './registry.js';

test('a registry finds what was registered, in registration order, and replaces on a second register', () => {
  const r = new Registry<number>((name) => new Error(`Invalid thing: ${name}`));
  r.register('b', 1);
  r.register('a', 2);
  r.register('b', 3);
  assert.deepEqual(r.names(), ['b', 'a']);
  assert.equal(r.get('b'), 3);
  assert.equal(r.find('c'), undefined);
  assert.equal(r.has('a'), true);
});

test("a registry refuses Object.prototype's keys with the family's own error", () => {
  const r = new Registry<number>(
    (name, known) => new Error(`Invalid thing: ${name} (known: ${known.join(', ')})`),
  );
  r.register('one', 1);
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    assert.throws(() => r.get(name), { message: `Invalid thing: ${name} (known: one)` });
    assert.equal(r.has(name), false);
  }
});
