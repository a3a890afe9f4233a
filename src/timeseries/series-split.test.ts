import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  POINTS_PER_SPLIT,
  decodeSplit,
  encodeSplit,
  groupBySplit,
  lastSplitKeyAtOrBefore,
  mergeEncodedSplit,
  mergeSplit,
  splitKeyOf,
} from './series-split.js';

test('period indexes map to splits of 3,600 periods', () => {
  assert.equal(POINTS_PER_SPLIT, 3600);
  assert.equal(splitKeyOf(0), 0);
  assert.equal(splitKeyOf(3599), 0);
  assert.equal(splitKeyOf(3600), 1);
  assert.deepEqual(
    [...groupBySplit({ k: [1, 3599, 3600, 7300], v: [1, 2, 3, 4] })],
    [
      [0, { k: [1, 3599], v: [1, 2] }],
      [1, { k: [3600], v: [3] }],
      [2, { k: [7300], v: [4] }],
    ],
  );
});

test('a split is expired when its last period ends at or before the cutoff', () => {
  // 1 s periods (1e6 µs): split 0 holds periods 0..3599, the last one starting at 3599 s.
  assert.equal(lastSplitKeyAtOrBefore(3598e6, 1e6), -1);
  assert.equal(lastSplitKeyAtOrBefore(3599e6, 1e6), 0);
  assert.equal(lastSplitKeyAtOrBefore(7198.5e6, 1e6), 0);
  assert.equal(lastSplitKeyAtOrBefore(7199e6, 1e6), 1);
});

test('merging replaces the values of the same periods and keeps the order', () => {
  assert.deepEqual(mergeSplit({ k: [1, 3, 5], v: [10, 30, 50] }, { k: [2, 3, 6], v: [2, 3, 6] }), {
    k: [1, 2, 3, 5, 6],
    v: [10, 2, 3, 50, 6],
  });
});

test('a split encodes to 10 bytes per point and decodes to the same points', () => {
  const points = { k: [7200, 7201, 10799], v: [1.5, -0, NaN] };
  const bytes = encodeSplit(2, points);
  assert.equal(bytes.length, 10 * 3);
  assert.deepEqual(decodeSplit(2, bytes), points);
  assert.deepEqual(decodeSplit(0, encodeSplit(0, { k: [], v: [] })), { k: [], v: [] });
  assert.throws(() => decodeSplit(2, bytes.subarray(0, 15)), {
    message: 'Unable to decode series split: bad length',
  });
});

test('merging into an encoded split appends later points and rewrites earlier ones', () => {
  const old = encodeSplit(1, { k: [3600, 3605], v: [1, 2] });
  const appended = mergeEncodedSplit(1, old, { k: [3606, 3607], v: [3, 4] });
  assert.deepEqual(appended.subarray(0, old.length), old);
  assert.deepEqual(decodeSplit(1, appended), { k: [3600, 3605, 3606, 3607], v: [1, 2, 3, 4] });
  assert.deepEqual(decodeSplit(1, mergeEncodedSplit(1, old, { k: [3601, 3605], v: [9, 8] })), {
    k: [3600, 3601, 3605],
    v: [1, 9, 8],
  });
  assert.deepEqual(decodeSplit(1, mergeEncodedSplit(1, undefined, { k: [3602], v: [5] })), {
    k: [3602],
    v: [5],
  });
});
