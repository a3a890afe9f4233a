import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Listeners } from './listeners.js';

test('listeners: each add is a subscription of its own, emitted in order, removed alone or all at once', () => {
  const listeners = new Listeners<[number]>();
  const seen: string[] = [];
  const a = (n: number): void => void seen.push(`a${n}`);
  const offA1 = listeners.add(a);
  listeners.add(a);
  listeners.add((n) => seen.push(`b${n}`));
  listeners.emit(1);
  assert.deepEqual(seen, ['a1', 'a1', 'b1']);
  offA1();
  listeners.emit(2);
  assert.deepEqual(seen, ['a1', 'a1', 'b1', 'a2', 'b2']);
  listeners.clear();
  listeners.emit(3);
  assert.equal(seen.length, 5);
});
