import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { openTestStore, type TestStore } from '../timeseries/api/harness.test-support.js';
import { startTimeseriesServer, type RunningTimeseriesServer } from '../timeseries/api/serve.js';
import { EDGE_POLICY_NAME } from './contract.js';
import { parseTelemetryConf } from './telemetry-conf.js';
import { Telemetry } from './telemetry.js';
import { TrafficStats } from './traffic-stats.js';

const AUTH = { authorization: `Basic ${Buffer.from('admin:').toString('base64')}` };

/** Fixed wall-clock milliseconds, moved by the test: two samples a second apart fall in two 1 s buckets. */
function clock(start = Date.parse('2026-12-01T10:00:00Z')): { now: () => number; tick: (s: number) => void } {
  let t = start;
  return { now: () => t, tick: (s) => (t += s * 1000) };
}

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: AUTH });
  assert.equal(res.status, 200, `${url}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** A port nobody listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('Telemetry to a real timeseries server', () => {
  let store: TestStore;
  let server: RunningTimeseriesServer;
  before(async () => {
    store = await openTestStore();
    server = await startTimeseriesServer({ listen: '127.0.0.1:0', store: store.store, auth: 'basic' });
  });
  after(async () => {
    await server.close();
    await store.dispose();
  });

  test('creates the policy, type, resource and metrics on first use, then writes counts and means per interval', async () => {
    const traffic = new TrafficStats();
    const { now, tick } = clock();
    const telemetry = new Telemetry({
      conf: parseTelemetryConf(`${server.url},interval=3600`)!,
      type: 'edge-router',
      name: '127.0.0.1:6473',
      attributes: { configuration_endpoint: '127.0.0.1:6474', controller_endpoint: '' },
      source: (out) => {
        out.push({ kind: 'gauge', figure: 'weight', keys: ['f', '127.0.0.1:1'], value: 0.25 });
        traffic.source(out);
      },
      now,
    });
    traffic.ok('f', '127.0.0.1:1', 0.5);
    traffic.ok('f', '127.0.0.1:1', 1.5);
    traffic.failed('f', '127.0.0.1:1');
    telemetry.sample();
    await telemetry.flush();
    tick(1);
    traffic.ok('f', '127.0.0.1:1', 4);
    telemetry.sample();
    await telemetry.flush();
    assert.deepEqual(telemetry.stats(), { sent: 16, dropped: 0, queued: 0, failures: 0 });

    const resources = await get<Record<string, unknown>[]>(`${server.url}/v1/resource/edge-router`);
    assert.equal(resources.length, 1);
    const r = resources[0]!;
    assert.equal(r.original_resource_id, 'edge-router:127.0.0.1:6473');
    assert.equal(r.endpoint, '127.0.0.1:6473');
    assert.equal(r.configuration_endpoint, '127.0.0.1:6474');
    assert.equal(r.pid, process.pid);
    assert.equal(r.started_at, '2026-12-01T10:00:00+00:00');
    const metrics = r.metrics as Record<string, string>;
    assert.deepEqual(Object.keys(metrics).sort(), [
      'dropped',
      'errors',
      'errors@f@127.0.0.1:1',
      'latency',
      'latency@f@127.0.0.1:1',
      'requests',
      'requests@f@127.0.0.1:1',
      'weight@f@127.0.0.1:1',
    ]);
    const metric = await get<{ archive_policy: { name: string } }>(
      `${server.url}/v1/metric/${metrics['requests@f@127.0.0.1:1']}`,
    );
    assert.equal(metric.archive_policy.name, EDGE_POLICY_NAME);
    const points = async (name: string, aggregation: string): Promise<unknown> =>
      get(`${server.url}/v1/metric/${metrics[name]}/measures?granularity=1&aggregation=${aggregation}`);
    assert.deepEqual(await points('requests@f@127.0.0.1:1', 'sum'), [
      ['2026-12-01T10:00:00+00:00', 1, 3],
      ['2026-12-01T10:00:01+00:00', 1, 1],
    ]);
    assert.deepEqual(await points('errors', 'sum'), [
      ['2026-12-01T10:00:00+00:00', 1, 1],
      ['2026-12-01T10:00:01+00:00', 1, 0],
    ]);
    assert.deepEqual(await points('latency@f@127.0.0.1:1', 'mean'), [
      ['2026-12-01T10:00:00+00:00', 1, 1],
      ['2026-12-01T10:00:01+00:00', 1, 4],
    ]);
    assert.deepEqual(await points('weight@f@127.0.0.1:1', 'last'), [
      ['2026-12-01T10:00:00+00:00', 1, 0.25],
      ['2026-12-01T10:00:01+00:00', 1, 0.25],
    ]);
    await telemetry.close(false);

    // The same component restarted: its resource is reused (409, then its host and pid updated).
    const again = new Telemetry({
      conf: parseTelemetryConf(`${server.url},interval=3600`)!,
      type: 'edge-router',
      name: '127.0.0.1:6473',
      source: traffic.source,
      now: () => now() + 5000,
    });
    again.sample();
    await again.flush();
    assert.deepEqual(again.stats(), { sent: 7, dropped: 0, queued: 0, failures: 0 });
    assert.equal((await get<unknown[]>(`${server.url}/v1/resource/edge-router`)).length, 1);
    await again.close(false);
  });

  test('close() sends a last sample', async () => {
    const { now } = clock(Date.parse('2026-12-01T11:00:00Z'));
    const telemetry = new Telemetry({
      conf: parseTelemetryConf(`${server.url},interval=3600,name=test-controller`)!,
      type: 'edge-controller',
      name: '127.0.0.1:6475',
      source: (out) => out.push({ kind: 'gauge', figure: 'computers', keys: [], value: 2 }),
      now,
    }).start();
    await telemetry.close();
    assert.deepEqual(telemetry.stats(), { sent: 2, dropped: 0, queued: 0, failures: 0 });
    const [r] = await get<{ original_resource_id: string; endpoint: string }[]>(
      `${server.url}/v1/resource/edge-controller`,
    );
    assert.equal(r?.original_resource_id, 'edge-controller:test-controller');
    assert.equal(r?.endpoint, 'test-controller');
  });
});

describe('Telemetry when the timeseries server is dead or slow', () => {
  test('a dead server: sample() never throws, measures are dropped and counted, the queue is bounded', async () => {
    const port = await deadPort();
    const { now } = clock();
    const telemetry = new Telemetry({
      conf: parseTelemetryConf(`http://127.0.0.1:${port},queue=5,interval=3600`)!,
      type: 'edge-client',
      name: 'c',
      source: new TrafficStats().totals,
      now,
    });
    const failed = once(telemetry, 'failed');
    telemetry.sample(); // requests, errors and dropped (no latency without responses): 3 measures
    const [count, why] = (await failed) as [number, string];
    assert.equal(count, 3);
    assert.match(why, /ECONNREFUSED/);
    assert.deepEqual(telemetry.stats(), { sent: 0, dropped: 3, queued: 0, failures: 1 });
    // Backing off (the clock stands still): the next samples wait in the queue, 5 at most.
    telemetry.sample();
    assert.deepEqual(telemetry.stats(), { sent: 0, dropped: 3, queued: 3, failures: 1 });
    telemetry.sample();
    assert.deepEqual(telemetry.stats(), { sent: 0, dropped: 4, queued: 5, failures: 1 });
    await telemetry.close();
    assert.equal(telemetry.stats().failures, 1, 'no last attempt while backing off');
  });

  test('a server that accepts and never answers: sampling goes on, the request times out, its measures are dropped', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      const telemetry = new Telemetry({
        conf: parseTelemetryConf(`http://127.0.0.1:${port},timeout=0.5,interval=3600`)!,
        type: 'edge-client',
        name: 'c',
        source: new TrafficStats().totals,
      });
      const failed = once(telemetry, 'failed');
      telemetry.sample();
      telemetry.sample(); // the first request is in flight: this one waits
      assert.deepEqual(telemetry.stats(), { sent: 0, dropped: 0, queued: 3, failures: 0 });
      const [count, why] = (await failed) as [number, string];
      assert.equal(count, 3);
      assert.equal(why, 'timed out after 500 ms');
      assert.deepEqual(telemetry.stats(), { sent: 0, dropped: 3, queued: 3, failures: 1 });
      await telemetry.close();
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
