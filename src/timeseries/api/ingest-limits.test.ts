import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_REMOTE_WRITE_LIMITS } from '../prometheus-remote-write.js';
import { parseInfluxdbLimits, parseRemoteWriteLimits } from './ingest-limits.js';
import { DEFAULT_INFLUXDB_LIMITS } from './routes-influxdb.js';

test('the ingestion limits: an empty conf keeps the defaults, each key sets its bound', () => {
  assert.deepEqual(parseInfluxdbLimits(''), DEFAULT_INFLUXDB_LIMITS);
  assert.deepEqual(parseRemoteWriteLimits(''), DEFAULT_REMOTE_WRITE_LIMITS);
  assert.deepEqual(parseInfluxdbLimits('lines=10, decompressed-bytes=4096'), {
    ...DEFAULT_INFLUXDB_LIMITS,
    maxLines: 10,
    maxDecompressedBytes: 4096,
  });
  assert.deepEqual(parseRemoteWriteLimits('labels=5,samples=7,decompressed-bytes=100'), {
    maxLabelsPerSeries: 5,
    maxSamples: 7,
    maxDecompressedBytes: 100,
    maxSeries: DEFAULT_REMOTE_WRITE_LIMITS.maxSeries,
  });
  assert.deepEqual(parseInfluxdbLimits('metrics=20'), { ...DEFAULT_INFLUXDB_LIMITS, maxMetrics: 20 });
  assert.equal(parseRemoteWriteLimits('series=30').maxSeries, 30);
});

test('unknown keys and values that are not positive integers are refused, naming them', () => {
  assert.throws(() => parseInfluxdbLimits('rows=3'), {
    message: "Invalid --influxdb-limits key 'rows': one of lines, values, decompressed-bytes, metrics",
  });
  assert.throws(() => parseRemoteWriteLimits('samples=0'), {
    message: "Invalid --remote-write-limits samples '0': a positive integer",
  });
  assert.throws(() => parseInfluxdbLimits('lines=1.5'), {
    message: "Invalid --influxdb-limits lines '1.5': a positive integer",
  });
  assert.throws(() => parseInfluxdbLimits('lines'), { message: 'Invalid configuration: lines' });
});
