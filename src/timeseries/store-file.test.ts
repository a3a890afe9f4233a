import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { frameRecord, parseRecords, RecordKind } from './journal.js';
import { FileTimeseriesStore } from './store-file.js';
import { MINUTE_POLICY, T0, testMetric } from './store.test-support.js';

test('series beyond the hot point budget stay compressed in memory and read the same', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-hot-'));
  const open = async (): Promise<FileTimeseriesStore> => {
    const s = new FileTimeseriesStore({ dataDir, hotPoints: 100 });
    await s.open();
    return s;
  };
  const store = await open();
  await store.createArchivePolicy(MINUTE_POLICY);
  const ids = ['m0', 'm1', 'm2', 'm3', 'm4'];
  for (const id of ids) {
    await store.createMetric(testMetric(id, 'p'));
  }
  for (let round = 0; round < 3; round++) {
    for (const [k, id] of ids.entries()) {
      await store.addMeasures([{ metricId: id, measures: [{ timestamp: T0 + round * 60, value: k + 1 }] }]);
    }
  }
  const expected = (k: number) => [
    [T0, 60, k + 1],
    [T0 + 60, 60, k + 1],
    [T0 + 120, 60, k + 1],
  ];
  for (const [k, id] of ids.entries())
    assert.deepEqual(await store.getMeasures(id, { aggregation: 'sum' }), expected(k));
  await store.close();
  const again = await open();
  for (const [k, id] of [...ids.entries()].reverse()) {
    assert.deepEqual(await again.getMeasures(id, { aggregation: 'sum' }), expected(k));
  }
  await again.close();
});

/** A measures record as the store journals it: id length, id, count, timestamps, then values (LE). */
function measuresRecord(metricId: string, measures: [timestamp: number, value: number][]): Buffer {
  const id = Buffer.from(metricId, 'utf8');
  const out = Buffer.alloc(1 + id.length + 4 + 16 * measures.length);
  out.writeUInt8(id.length, 0);
  id.copy(out, 1);
  out.writeUInt32LE(measures.length, 1 + id.length);
  const base = 5 + id.length;
  measures.forEach(([t, v], i) => {
    out.writeDoubleLE(t, base + 8 * i);
    out.writeDoubleLE(v, base + 8 * (measures.length + i));
  });
  return frameRecord(RecordKind.Measures, out);
}

test('a journal record that cannot be replayed is kept aside, reported, and the store opens', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-quarantine-'));
  const open = async (): Promise<FileTimeseriesStore> => {
    const s = new FileTimeseriesStore({ dataDir, checkpointPeriod: 3600 });
    await s.open();
    return s;
  };
  const store = await open();
  await store.createArchivePolicy(MINUTE_POLICY);
  await store.createMetric({
    id: 'm',
    name: null,
    unit: null,
    creator: 'admin',
    created_by_user_id: 'admin',
    created_by_project_id: '',
    resource_id: null,
    archive_policy_name: 'p',
  });
  await store.close();
  // What an older version journaled: 1e303 (Infinity once in microseconds), a NaN value, a torn
  // payload, a broken index change, between two good batches.
  const bad = [
    measuresRecord('m', [[1e303, 1]]),
    measuresRecord('m', [[T0 + 120, Number.NaN]]),
    frameRecord(RecordKind.Measures, Buffer.from([1, 0x6d, 9, 0, 0, 0])),
    frameRecord(RecordKind.Index, Buffer.from('{"op":')),
  ];
  writeFileSync(
    join(dataDir, 'journal-0000000099.log'),
    Buffer.concat([measuresRecord('m', [[T0, 5]]), ...bad, measuresRecord('m', [[T0 + 60, 7]])]),
  );
  const reopened = await open();
  assert.deepEqual(await reopened.getMeasures('m', { aggregation: 'sum' }), [
    [T0, 60, 5],
    [T0 + 60, 60, 7],
  ]);
  assert.equal((await reopened.status()).quarantined_records, 4);
  const kept = parseRecords(readFileSync(join(dataDir, 'quarantine.log'))).records;
  assert.deepEqual(
    kept.map((r) => frameRecord(r.kind, r.payload).toString('hex')),
    bad.map((b) => b.toString('hex')),
  );
  assert.ok(!readdirSync(dataDir).includes('journal-0000000099.log'), 'the segment is checkpointed away');
  await reopened.close();
  const third = await open();
  assert.equal((await third.status()).quarantined_records, 4, 'nothing is kept aside twice');
  assert.deepEqual(await third.getMeasures('m', { aggregation: 'sum' }), [
    [T0, 60, 5],
    [T0 + 60, 60, 7],
  ]);
  await third.close();
});
