// `soe timeseries serve` against hostile input, end to end (issue 13, findings 1 and 9): --max-body-size,
// and a data directory whose journal holds a measure an older version accepted (a timestamp of 1e303,
// Infinity once in microseconds), which used to hang the server at every start.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { frameRecord, parseRecords, RecordKind } from '../src/timeseries/journal.js';
import { run, start, type Running } from './support/processes.js';

async function serve(dataDir: string, ...options: string[]): Promise<{ proc: Running; url: string }> {
  const proc = start('soe', [
    'timeseries',
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--data-dir',
    dataDir,
    '--auth',
    'none',
    ...options,
  ]);
  const [, url] = await proc.waitFor(/timeseries service listening on (http:\/\/\S+?),/);
  return { proc, url: url as string };
}

const json = { accept: 'application/json', 'content-type': 'application/json' };

test('--max-body-size: a larger body is a 413 naming the limit; a smaller one passes', async () => {
  const { proc, url } = await serve(mkdtempSync(join(tmpdir(), 'soe-ts-limits-')), '--max-body-size', '2048');
  try {
    const small = await fetch(`${url}/v1/metric`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'x'.repeat(255), archive_policy_name: 'low' }),
    });
    assert.equal(small.status, 201);
    const large = await fetch(`${url}/v1/metric`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'x'.repeat(3000), archive_policy_name: 'low' }),
    });
    assert.equal(large.status, 413);
    assert.deepEqual(await large.json(), {
      code: 413,
      title: 'Payload Too Large',
      description: 'Request body larger than the limit of 2048 bytes',
    });
  } finally {
    await proc.stop();
  }
  const refused = await run('soe', ['timeseries', 'serve', '--max-body-size', '0']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Invalid --max-body-size '0': a positive number of bytes\n$/);
});

test('a journal holding a 1e303 timestamp: the server starts, keeps the record aside and says so', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-quarantine-'));
  const first = await serve(dataDir);
  const created = await fetch(`${first.url}/v1/metric`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ archive_policy_name: 'low' }),
  });
  const { id } = (await created.json()) as { id: string };
  await first.proc.stop();
  const payload = Buffer.alloc(1 + id.length + 4 + 16);
  payload.writeUInt8(id.length, 0);
  payload.write(id, 1, 'utf8');
  payload.writeUInt32LE(1, 1 + id.length);
  payload.writeDoubleLE(1e303, 5 + id.length);
  payload.writeDoubleLE(1, 13 + id.length);
  const record = frameRecord(RecordKind.Measures, payload);
  writeFileSync(join(dataDir, 'journal-0000000099.log'), record);
  for (let start = 0; start < 2; start++) {
    const { proc, url } = await serve(dataDir);
    try {
      const status = await fetch(`${url}/v1/status?details=false`, { headers: json });
      assert.deepEqual(((await status.json()) as { storage: { summary: unknown } }).storage.summary, {
        metrics: 0,
        measures: 0,
        rejected_measures: 0,
        quarantined_records: 1,
      });
      const write = await fetch(`${url}/v1/metric/${id}/measures`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify([{ timestamp: '2024-01-01T00:00:00', value: 5 }]),
      });
      assert.equal(write.status, 202);
    } finally {
      await proc.stop();
    }
    if (start === 0) {
      assert.match(
        proc.stderr(),
        /timeseries\] journal record 1 of 1 \(kind 2, 57 bytes\) cannot be replayed and is kept aside in .*quarantine\.log: Invalid input: Timestamp must not be after 2262-04-11T23:47:16\+00:00\n/,
      );
    } else {
      assert.doesNotMatch(proc.stderr(), /cannot be replayed/, 'met once, kept aside once');
    }
  }
  const kept = parseRecords(readFileSync(join(dataDir, 'quarantine.log'))).records;
  assert.deepEqual(
    kept.map((r) => frameRecord(r.kind, r.payload)),
    [record],
  );
});
