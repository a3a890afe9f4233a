import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freeEndpoint } from './support/ports.js';
import { run, start, type Running } from './support/processes.js';

async function freePort(): Promise<number> {
  return Number((await freeEndpoint()).split(':')[1]);
}

async function serve(dataDir: string, port: number): Promise<Running> {
  const proc = start('soe', [
    'timeseries',
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--data-dir',
    dataDir,
    '--auth',
    'none',
  ]);
  await proc.waitFor(/timeseries service listening on/);
  return proc;
}

test('kill -9 while a producer pushes batches: every acknowledged batch is there after a restart, none twice', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-crash-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/v1`;
  const json = { 'content-type': 'application/json' };
  let server = await serve(dataDir, port);
  const policy = {
    name: 'secs',
    back_window: 0,
    aggregation_methods: ['count', 'sum'],
    definition: [{ granularity: 1, points: 100000 }],
  };
  assert.equal(
    (await fetch(`${base}/archive_policy`, { method: 'POST', headers: json, body: JSON.stringify(policy) }))
      .status,
    201,
  );
  const created = await fetch(`${base}/metric`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ archive_policy_name: 'secs' }),
  });
  assert.equal(created.status, 201);
  const { id } = (await created.json()) as { id: string };
  const t0 = Date.UTC(2024, 0, 1) / 1000;
  const acknowledged: number[] = [];
  const sent: number[] = [];
  let killed = false;
  let enough!: () => void;
  const twentyAcknowledged = new Promise<void>((resolve) => (enough = resolve));
  const producer = (async () => {
    for (let batch = 0; !killed && batch < 100000; batch++) {
      const measures = Array.from({ length: 100 }, (_, i) => ({ timestamp: t0 + batch * 100 + i, value: 1 }));
      sent.push(batch);
      try {
        const res = await fetch(`${base}/metric/${id}/measures`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify(measures),
        });
        if (res.status === 202 && acknowledged.push(batch) === 20) enough();
      } catch {
        return;
      }
    }
  })();
  // Killed once 20 batches are acknowledged, while the producer goes on sending.
  await Promise.race([twentyAcknowledged, producer]);
  killed = true;
  await server.stop('SIGKILL');
  await producer;
  assert.ok(acknowledged.length >= 20, `only ${acknowledged.length} batches acknowledged`);
  server = await serve(dataDir, port);
  try {
    const res = await fetch(`${base}/metric/${id}/measures?aggregation=count&granularity=1`);
    assert.equal(res.status, 200);
    const points = (await res.json()) as [string, number, number][];
    assert.ok(
      points.every((p) => p[2] === 1),
      'no timestamp counted twice',
    );
    const present = new Set(points.map((p) => Math.floor((Date.parse(p[0]) / 1000 - t0) / 100)));
    for (const b of acknowledged) assert.ok(present.has(b), `acknowledged batch ${b} lost`);
    for (const b of present) assert.ok(sent.includes(b), `batch ${b} was never sent`);
    const perBatch = new Map<number, number>();
    for (const p of points) {
      const b = Math.floor((Date.parse(p[0]) / 1000 - t0) / 100);
      perBatch.set(b, (perBatch.get(b) ?? 0) + 1);
    }
    for (const [b, n] of perBatch) assert.equal(n, 100, `batch ${b} is partial`);
  } finally {
    await server.stop('SIGTERM');
  }
});

test('bad serve options are refused with a message naming the option', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-options-'));
  for (const [args, message] of [
    [['--heap-growing-percent', '-1'], "Invalid --heap-growing-percent '-1': a non-negative integer"],
    [['--auth', 'token'], "Invalid --auth 'token': choose basic, users or none"],
  ] as const) {
    const { code, stderr } = await run('soe', ['timeseries', 'serve', '--data-dir', dataDir, ...args]);
    assert.notEqual(code, 0);
    assert.match(stderr, new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }
});

test('kill -9 while resources are created with their metrics: each is there whole or not at all, and a retry of a missing one is a 201', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-crash-resources-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/v1`;
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  let server = await serve(dataDir, port);
  const body = (i: number): string =>
    JSON.stringify({
      id: `r${i}`,
      metrics: { a: { archive_policy_name: 'low' }, b: { archive_policy_name: 'low' } },
    });
  // Four clients at once, so that the kill lands in the middle of some creations.
  const acknowledged: number[] = [];
  const attempted: number[] = [];
  let killed = false;
  let enough!: () => void;
  const twentyAcknowledged = new Promise<void>((resolve) => (enough = resolve));
  const producers = [0, 1, 2, 3].map(async (k) => {
    for (let i = k; !killed && i < 100000; i += 4) {
      attempted.push(i);
      try {
        const res = await fetch(`${base}/resource/generic`, { method: 'POST', headers: json, body: body(i) });
        if (res.status === 201 && acknowledged.push(i) === 20) enough();
      } catch {
        return;
      }
    }
  });
  await Promise.race([twentyAcknowledged, Promise.all(producers)]);
  killed = true;
  await server.stop('SIGKILL');
  await Promise.all(producers);
  server = await serve(dataDir, port);
  try {
    for (const i of attempted) {
      const got = await fetch(`${base}/resource/generic/r${i}`, { headers: json });
      if (got.status === 200) {
        const { metrics } = (await got.json()) as { metrics: Record<string, string> };
        assert.deepEqual(Object.keys(metrics).sort(), ['a', 'b'], `r${i} has both metrics`);
        for (const id of Object.values(metrics)) {
          assert.equal((await fetch(`${base}/metric/${id}`, { headers: json })).status, 200, `r${i}: ${id}`);
        }
        continue;
      }
      assert.equal(got.status, 404);
      assert.ok(!acknowledged.includes(i), `acknowledged resource r${i} lost`);
      const retry = await fetch(`${base}/resource/generic`, { method: 'POST', headers: json, body: body(i) });
      assert.equal(retry.status, 201, `the retry of r${i}: ${await retry.text()}`);
    }
    const metrics = (await (await fetch(`${base}/metric`, { headers: json })).json()) as {
      resource_id: string;
    }[];
    assert.equal(metrics.length, 2 * attempted.length, 'no metric without its resource');
  } finally {
    await server.stop('SIGTERM');
  }
});
