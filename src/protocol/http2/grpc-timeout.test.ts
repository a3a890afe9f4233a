import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGrpcTimeout } from './grpc-timeout.js';

test('grpc-timeout values in every unit, in milliseconds', () => {
  assert.equal(parseGrpcTimeout('2H'), 7_200_000);
  assert.equal(parseGrpcTimeout('3M'), 180_000);
  assert.equal(parseGrpcTimeout('4S'), 4000);
  assert.equal(parseGrpcTimeout('5000m'), 5000);
  assert.equal(parseGrpcTimeout('1500u'), 1.5);
  assert.equal(parseGrpcTimeout('2500000n'), 2.5);
  assert.equal(parseGrpcTimeout('0m'), 0);
  assert.equal(parseGrpcTimeout('99999999S'), 99_999_999_000);
});

test('anything but 1 to 8 digits and one unit is refused', () => {
  for (const bad of [
    '',
    'S',
    '1',
    '1x',
    '1s',
    '123456789m',
    '-1S',
    '1.5S',
    ' 1S',
    '1S ',
    '1 S',
    '1SS',
    '0x10m',
  ]) {
    assert.equal(parseGrpcTimeout(bad), undefined, JSON.stringify(bad));
  }
});
