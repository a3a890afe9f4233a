import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setLogSink } from '../support/logger.js';
import { TimeseriesError } from './errors.js';
import { frameRecord, parseRecords, RecordKind } from './journal.js';
import type { Metric, Resource } from './model.js';
import { FileTimeseriesStore } from './store-file.js';
import { MINUTE_POLICY, T0, testMetric } from './store.test-support.js';
import { FaultyFs } from './store-fs.test-support.js';
import type { StoreFs } from './store-fs.js';

/** Metric `id` of policy `p`, named `id` when it belongs to resource `resourceId`. */
function metric(id: string, resourceId: string | null = null): Metric {
  return testMetric(id, 'p', resourceId === null ? {} : { name: id, resource_id: resourceId });
}

async function openStore(dataDir: string, fs?: StoreFs): Promise<FileTimeseriesStore> {
  const store = new FileTimeseriesStore({ dataDir, checkpointPeriod: 3600, ...(fs ? { fs } : {}) });
  await store.open();
  return store;
}

/** A store with policy `p` and metrics `ids`, over an injectable file system. */
async function setup(
  ...ids: string[]
): Promise<{ dataDir: string; fs: FaultyFs; store: FileTimeseriesStore }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-faults-'));
  const fs = new FaultyFs(dataDir);
  const store = await openStore(dataDir, fs);
  await store.createArchivePolicy(MINUTE_POLICY);
  for (const id of ids) await store.createMetric(metric(id));
  return { dataDir, fs, store };
}

/** The files as a kill -9 leaves them now: a copy of the directory, opened by a new store. */
async function afterKill(dataDir: string): Promise<FileTimeseriesStore> {
  const copy = mkdtempSync(join(tmpdir(), 'soe-ts-killed-'));
  cpSync(dataDir, copy, { recursive: true });
  return openStore(copy);
}

async function sums(store: FileTimeseriesStore, ...ids: string[]): Promise<unknown[]> {
  const out = [];
  for (const id of ids) out.push(await store.getMeasures(id, { aggregation: 'sum' }));
  return out;
}

function storageFailure(status: number, cause: string, message: string, code: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof TimeseriesError, String(err));
    assert.deepEqual(
      [err.status, err.description],
      [
        status,
        {
          cause,
          reason: `The change could not be written to the journal, nothing of it was applied: ${message}`,
          detail: code,
        },
      ],
    );
    return true;
  };
}

test('a failed checkpoint forgets nothing: after it and a good one, every acknowledged measure survives kill -9 and a restart', async () => {
  const { dataDir, fs, store } = await setup('m1', 'm2');
  await store.addMeasures([{ metricId: 'm1', measures: [{ timestamp: T0, value: 5 }] }]);
  fs.fail({ op: 'rename', code: 'ENOSPC', path: /^series\// });
  await assert.rejects(store.checkpoint(), {
    message: "ENOSPC: no space left on device, rename 'series/m1.bin.tmp'",
  });
  fs.heal();
  await store.addMeasures([{ metricId: 'm2', measures: [{ timestamp: T0, value: 7 }] }]);
  await store.checkpoint();
  const { journal } = await store.status();
  assert.equal(journal?.checkpoint_failures, 1);
  assert.equal(journal?.last_checkpoint_error, "ENOSPC: no space left on device, rename 'series/m1.bin.tmp'");
  assert.ok(journal?.last_checkpoint !== null && !Number.isNaN(Date.parse(journal.last_checkpoint)));
  assert.deepEqual([journal?.segments, journal?.bytes], [1, 0], 'the older segments are checkpointed away');
  const expected = [[[T0, 60, 5]], [[T0, 60, 7]]];
  const killed = await afterKill(dataDir);
  assert.deepEqual(await sums(killed, 'm1', 'm2'), expected, 'after kill -9');
  await killed.close();
  await store.close();
  const restarted = await openStore(dataDir);
  assert.deepEqual(await sums(restarted, 'm1', 'm2'), expected, 'after a clean restart');
  await restarted.close();
});

test('a failed checkpoint deletes no journal segment, and a failed rotation is counted', async () => {
  const { dataDir, fs, store } = await setup('m');
  await store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0, value: 1 }] }]);
  fs.fail({ op: 'open', code: 'EIO', path: /^journal-/ });
  await assert.rejects(store.checkpoint(), { message: "EIO: i/o error, open 'journal-0000000002.log'" });
  fs.heal();
  fs.fail({ op: 'sync', code: 'EIO', path: /^\.$/ });
  await assert.rejects(store.checkpoint(), { message: "EIO: i/o error, sync '.'" });
  fs.heal();
  assert.ok(statSync(join(dataDir, 'journal-0000000001.log')).size > 0, 'segment 1 is still there');
  assert.equal((await store.status()).journal?.checkpoint_failures, 2);
  const killed = await afterKill(dataDir);
  assert.deepEqual(await sums(killed, 'm'), [[[T0, 60, 1]]]);
  await killed.close();
  await store.close();
});

test('a write the full disk refuses is a 507, not applied, never replayed; the next write after space returns succeeds', async () => {
  const { dataDir, fs, store } = await setup('m');
  await store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0, value: 1 }] }]);
  // A torn write: 10 bytes reach the segment, then the disk is full.
  fs.fail({ op: 'write', code: 'ENOSPC', path: /^journal-/, partialBytes: 10 });
  const full = storageFailure(
    507,
    'Insufficient storage',
    "ENOSPC: no space left on device, write 'journal-0000000001.log'",
    'ENOSPC',
  );
  await assert.rejects(
    store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0 + 60, value: 2 }] }]),
    full,
  );
  await assert.rejects(store.createMetric(metric('m2')), full);
  assert.equal(await store.getMetric('m2'), undefined, 'the refused metric does not exist');
  assert.deepEqual(await sums(store, 'm'), [[[T0, 60, 1]]], 'the refused measure is not applied');
  const { journal } = await store.status();
  assert.equal(journal?.write_failures, 2);
  assert.equal(journal?.last_write_error, "ENOSPC: no space left on device, write 'journal-0000000001.log'");
  fs.heal();
  await store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0 + 120, value: 3 }] }]);
  const expected = [
    [
      [T0, 60, 1],
      [T0 + 120, 60, 3],
    ],
  ];
  assert.deepEqual(await sums(store, 'm'), expected, 'no restart needed');
  const killed = await afterKill(dataDir);
  assert.deepEqual(await sums(killed, 'm'), expected, 'after kill -9: the torn bytes were cut away');
  assert.equal(await killed.getMetric('m2'), undefined);
  await killed.close();
  await store.close();
  const restarted = await openStore(dataDir);
  assert.deepEqual(await sums(restarted, 'm'), expected, 'after a clean restart');
  await restarted.close();
});

test('a write whose sync fails (EIO) is a 500 and not applied, also while the disk cannot be repaired', async () => {
  const { dataDir, fs, store } = await setup('m');
  fs.fail({ op: 'datasync', code: 'EIO', path: /^journal-/ });
  const failed = storageFailure(
    500,
    'Storage error',
    "EIO: i/o error, datasync 'journal-0000000001.log'",
    'EIO',
  );
  await assert.rejects(
    store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0, value: 1 }] }]),
    failed,
  );
  // The segment cannot be cut back either: the next write fails before writing anything.
  await assert.rejects(
    store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0 + 60, value: 2 }] }]),
    failed,
  );
  assert.deepEqual(await sums(store, 'm'), [[]]);
  fs.heal();
  await store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0 + 120, value: 3 }] }]);
  const killed = await afterKill(dataDir);
  assert.deepEqual(await sums(killed, 'm'), [[[T0 + 120, 60, 3]]], 'the failed write is not replayed');
  await killed.close();
  await store.close();
});

test('rotation syncs the segment each write went to, then makes the new segment durable, in this order', async () => {
  const { fs, store } = await setup('m');
  fs.calls.length = 0;
  let during: Promise<void> | undefined;
  fs.before = (op, name) => {
    // A write accepted while the next segment is being created goes to the next segment.
    if (op === 'open' && name === 'journal-0000000002.log') {
      during = store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0 + 60, value: 2 }] }]);
    }
  };
  const first = store.addMeasures([{ metricId: 'm', measures: [{ timestamp: T0, value: 1 }] }]);
  const checkpoint = store.checkpoint();
  await first;
  await checkpoint;
  await during;
  fs.before = undefined;
  // The later write and the checkpoint's files go on side by side: each sequence is exact.
  const later = ['write journal-0000000002.log', 'datasync journal-0000000002.log'];
  assert.deepEqual(
    fs.calls.filter((c) => c.includes('journal-')),
    [
      'write journal-0000000001.log',
      'datasync journal-0000000001.log',
      'open journal-0000000002.log a',
      'close journal-0000000001.log',
      ...later,
      'unlink journal-0000000001.log',
    ],
  );
  assert.deepEqual(
    fs.calls.filter((c) => !later.includes(c)),
    [
      'write journal-0000000001.log',
      'datasync journal-0000000001.log',
      'open journal-0000000002.log a',
      'open . r',
      'sync .',
      'close .',
      'close journal-0000000001.log',
      'open series/m.bin.tmp w',
      'write series/m.bin.tmp',
      'sync series/m.bin.tmp',
      'close series/m.bin.tmp',
      'rename series/m.bin.tmp series/m.bin',
      'open series r',
      'sync series',
      'close series',
      'open index.json.tmp w',
      'write index.json.tmp',
      'sync index.json.tmp',
      'close index.json.tmp',
      'rename index.json.tmp index.json',
      'open . r',
      'sync .',
      'close .',
      'unlink journal-0000000001.log',
    ],
  );
  await store.close();
});

test('a corrupt record mid-segment is skipped, counted, logged with its segment and offset; the records after it replay', async () => {
  const { dataDir, store } = await setup('m');
  await store.close();
  const rec = (t: number, v: number): Buffer => {
    const id = Buffer.from('m');
    const out = Buffer.alloc(1 + id.length + 4 + 16);
    out.writeUInt8(id.length, 0);
    id.copy(out, 1);
    out.writeUInt32LE(1, 2);
    out.writeDoubleLE(t, 6);
    out.writeDoubleLE(v, 14);
    return frameRecord(RecordKind.Measures, out);
  };
  const good = rec(T0, 5);
  const garbled = rec(T0 + 60, 6);
  garbled.writeUInt8(garbled[20]! ^ 0xff, 20);
  const after = rec(T0 + 120, 7);
  const torn = rec(T0 + 180, 8).subarray(0, 12);
  writeFileSync(join(dataDir, 'journal-0000000099.log'), Buffer.concat([good, garbled, after, torn]));
  const lines: string[] = [];
  const restore = setLogSink((line) => lines.push(line));
  const reopened = await openStore(dataDir).finally(restore);
  assert.deepEqual(await sums(reopened, 'm'), [
    [
      [T0, 60, 5],
      [T0 + 120, 60, 7],
    ],
  ]);
  const { journal } = await reopened.status();
  assert.deepEqual([journal?.corrupt_records, journal?.skipped_bytes], [1, garbled.length]);
  assert.ok(
    lines.some((l) =>
      l.includes(
        `journal segment journal-0000000099.log: corrupt record at offset ${good.length}, ` +
          `${garbled.length} bytes skipped to the next intact record`,
      ),
    ),
    lines.join(''),
  );
  await reopened.close();
});

test('a resource and its metrics are one journal record: a kill at any byte of it leaves both or neither', async () => {
  const { dataDir, store } = await setup();
  await store.checkpoint();
  const resource: Resource = {
    id: 'r',
    type: 'generic',
    original_resource_id: 'r',
    creator: 'admin',
    created_by_user_id: 'admin',
    created_by_project_id: '',
    user_id: null,
    project_id: null,
    started_at: T0,
    ended_at: null,
    revision_start: T0,
    revision_end: null,
    metrics: { cpu: 'cpu', mem: 'mem' },
    attributes: {},
  };
  await store.createResource(resource, [metric('cpu', 'r'), metric('mem', 'r')]);
  await assert.rejects(store.createResource({ ...resource, id: 'r2' }, [metric('cpu', 'r2')]), {
    status: 409,
    message: 'Metric cpu already exists',
  });
  assert.equal(await store.getResource('r2'), undefined, 'a refused metric leaves no resource');
  const segment = join(dataDir, 'journal-0000000002.log');
  const bytes = readFileSync(segment);
  assert.equal(parseRecords(bytes).records.length, 1);
  for (let length = 0; length <= bytes.length; length += length < bytes.length - 16 ? 16 : 1) {
    const copy = mkdtempSync(join(tmpdir(), 'soe-ts-torn-'));
    cpSync(dataDir, copy, { recursive: true });
    truncateSync(join(copy, 'journal-0000000002.log'), length);
    const killed = await openStore(copy);
    const found = [
      (await killed.getResource('r')) !== undefined,
      (await killed.getMetric('cpu')) !== undefined,
      (await killed.getMetric('mem')) !== undefined,
    ];
    const all = length === bytes.length;
    assert.deepEqual(found, [all, all, all], `killed after ${length} of ${bytes.length} bytes`);
    await killed.close();
  }
  await store.close();
});
