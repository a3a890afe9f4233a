import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSorted } from './sorted-merge.js';

const flags = (m: { isNew: Uint8Array }): number[] => [...m.isNew];

test('interleaved points merge in time order, flagged by origin', () => {
  const m = mergeSorted([10, 30, 50], [1, 3, 5], 0, [20, 40, 60], [2, 4, 6]);
  assert.deepEqual(m.times, [10, 20, 30, 40, 50, 60]);
  assert.deepEqual(m.values, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(flags(m), [0, 1, 0, 1, 0, 1]);
});

test('a new point at an existing time replaces the old value once', () => {
  const m = mergeSorted([10, 20, 30], [1, 2, 3], 0, [20, 30], [-2, -3]);
  assert.deepEqual(m.times, [10, 20, 30]);
  assert.deepEqual(m.values, [1, -2, -3]);
  assert.deepEqual(flags(m), [0, 1, 1]);
});

test('only the tail from `from` is merged and returned', () => {
  const m = mergeSorted([10, 20, 30, 40], [1, 2, 3, 4], 2, [35], [3.5]);
  assert.deepEqual(m.times, [30, 35, 40]);
  assert.deepEqual(m.values, [3, 3.5, 4]);
  assert.deepEqual(flags(m), [0, 1, 0]);
});

test('empty sides: all old, all new, nothing', () => {
  const oldOnly = mergeSorted(Float64Array.of(1, 2), Float64Array.of(5, 6), 0, [], []);
  assert.deepEqual(
    [oldOnly.times, oldOnly.values, flags(oldOnly)],
    [
      [1, 2],
      [5, 6],
      [0, 0],
    ],
  );
  const newOnly = mergeSorted([], [], 0, [7, 8], [70, 80]);
  assert.deepEqual(
    [newOnly.times, newOnly.values, flags(newOnly)],
    [
      [7, 8],
      [70, 80],
      [1, 1],
    ],
  );
  const none = mergeSorted([1], [1], 1, [], []);
  assert.deepEqual([none.times, none.values, flags(none)], [[], [], []]);
});

test('new points before and after every old one', () => {
  const m = mergeSorted([20, 30], [2, 3], 0, [10, 40], [1, 4]);
  assert.deepEqual(m.times, [10, 20, 30, 40]);
  assert.deepEqual(flags(m), [1, 0, 0, 1]);
});
