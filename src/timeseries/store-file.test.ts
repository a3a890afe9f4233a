import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ArchivePolicy } from './model.js';
import { FileTimeseriesStore } from './store-file.js';

const POLICY: ArchivePolicy = {
  name: 'p',
  back_window: 0,
  aggregation_methods: ['sum', 'count'],
  definition: [{ granularity: 60, points: 1000, timespan: 60000 }],
};
const T0 = Date.UTC(2024, 0, 1) / 1000;

test('series beyond the hot point budget stay compressed in memory and read the same', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-hot-'));
  const open = async (): Promise<FileTimeseriesStore> => {
    const s = new FileTimeseriesStore({ dataDir, hotPoints: 100 });
    await s.open();
    return s;
  };
  const store = await open();
  await store.createArchivePolicy(POLICY);
  const ids = ['m0', 'm1', 'm2', 'm3', 'm4'];
  for (const id of ids) {
    await store.createMetric({
      id,
      name: null,
      unit: null,
      creator: 'admin',
      created_by_user_id: 'admin',
      created_by_project_id: '',
      resource_id: null,
      archive_policy_name: 'p',
    });
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
