/**
 * Edge telemetry end to end (issue 17): a controller, a computer, a router and a client of this build
 * (processes) write into a real timeseries server (this process, embedded store) and serve /metrics, read
 * here with a real Prometheus text parser; routers whose timeseries server is silent (accepts, never
 * answers) or dead serve every call all the same, and count what they drop.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { openTestStore, type TestStore } from '../src/timeseries/api/harness.test-support.js';
import { startTimeseriesServer, type RunningTimeseriesServer } from '../src/timeseries/api/serve.js';
import { BIN_DIR, start, type Running } from './support/processes.js';

/** `soe` of the build this test is compiled into, as processes.ts's start() names an executable. */
const SOE = relative(
  BIN_DIR,
  fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url)),
).replace(/\.js$/, '');
const AUTH = { authorization: `Basic ${Buffer.from('admin:').toString('base64')}` };

const dir = mkdtempSync(join(tmpdir(), 'soe-telemetry-'));
const running: Running[] = [];

function soe(args: string[]): Running {
  const proc = start(SOE, args);
  running.push(proc);
  return proc;
}

/** Resolves once `check` holds, re-checked every 100 ms (a hang guard of 60 s: parts start slowly on a busy machine). */
async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The samples of a /metrics page: `name{label="v",...}` → value. */
async function scrape(endpoint: string): Promise<Map<string, number>> {
  const res = await fetch(`http://${endpoint}/metrics`);
  assert.equal(res.status, 200);
  const out = new Map<string, number>();
  for (const family of parsePrometheusTextFormat(await res.text())) {
    for (const m of family.metrics) {
      const labels = Object.entries(m.labels ?? {})
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      out.set(labels === '' ? family.name : `${family.name}{${labels}}`, Number(m.value));
    }
  }
  return out;
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, headers: { ...AUTH, 'content-type': 'application/json' } });
  assert.ok(res.ok, `${url}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

interface ResourceJson {
  original_resource_id: string;
  endpoint: string;
  metrics: Record<string, string>;
}

describe('edge telemetry end to end', () => {
  let store: TestStore;
  let timeseries: RunningTimeseriesServer;
  let controller: string;
  let computer: string;
  const metricsOf: Record<string, string> = {};

  before(async () => {
    store = await openTestStore();
    timeseries = await startTimeseriesServer({ listen: '127.0.0.1:0', store: store.store, auth: 'basic' });
    const telemetry = ['--telemetry', `${timeseries.url},interval=0.2`, '--metrics-endpoint', '127.0.0.1:0'];
    const c = soe([
      'controller',
      '--server-endpoint',
      '127.0.0.1:0',
      '--state-file',
      join(dir, 'state.json'),
      ...telemetry,
    ]);
    const cm = await c.waitFor(/controller listening on (\S+), metrics on (\S+)/);
    controller = cm[1]!;
    metricsOf.controller = cm[2]!;
    const p = soe([
      'computer',
      ...['--server-endpoint', '127.0.0.1:0', '--utilization-endpoint', '127.0.0.1:0'],
      ...['--controller-endpoint', controller, ...telemetry],
    ]);
    const pm = await p.waitFor(/listening on (\S+), utilization stream on \S+, metrics on (\S+)/);
    computer = pm[1]!;
    metricsOf.computer = pm[2]!;
    await p.waitFor(/announced/);
  });

  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await timeseries?.close();
    await store?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A router announced to the controller (so it has the computer's route), its endpoint and /metrics endpoint. */
  async function router(telemetry: string): Promise<{ endpoint: string; metrics: string }> {
    const proc = soe([
      'router',
      ...['--server-endpoint', '127.0.0.1:0', '--configuration-endpoint', '127.0.0.1:0'],
      ...['--controller-endpoint', controller, '--telemetry', telemetry, '--metrics-endpoint', '127.0.0.1:0'],
    ]);
    const m = await proc.waitFor(/router listening on (\S+), configuration on \S+, metrics on (\S+)/);
    await proc.waitFor(/announced/);
    const endpoint = m[1]!;
    // The controller installs the computer's route right after the announce.
    await until('the route of clambda0', async () =>
      ((await scrape(m[2]!)).get(`soe_router_weight{lambda="clambda0",destination="${computer}"}`) ?? -1) >= 0
        ? true
        : undefined,
    );
    return { endpoint, metrics: m[2]! };
  }

  async function client(routerEndpoint: string, requests: number, extra: string[] = []): Promise<string> {
    const done = await start(SOE, [
      'client',
      ...['--server-endpoints', routerEndpoint, '--lambda', 'clambda0'],
      ...['--max-requests', String(requests), '--inter-request-time', '0.01', ...extra],
    ]).exited();
    assert.equal(done.code, 0, done.stderr);
    return done.stdout;
  }

  test('every part writes its resource, metrics and measures, and serves the same figures on /metrics', async () => {
    const r = await router(`${timeseries.url},interval=0.2`);
    const lines = await client(r.endpoint, 5, ['--telemetry', `${timeseries.url},name=test-client`]);
    assert.equal(lines.trim().split('\n').length, 5);

    const routerScrape = await scrape(r.metrics);
    const pair = `lambda="clambda0",destination="${computer}"`;
    assert.equal(routerScrape.get(`soe_router_requests_total{${pair}}`), 5);
    assert.equal(routerScrape.get(`soe_router_errors_total{${pair}}`), 0);
    assert.equal(routerScrape.get(`soe_router_latency_samples_total{${pair}}`), 5);
    assert.equal((await scrape(metricsOf.computer!)).get('soe_computer_calls_total{lambda="clambda0"}'), 5);
    assert.equal((await scrape(metricsOf.controller!)).get('soe_controller_computers'), 1);

    const resources = async (type: string): Promise<ResourceJson[]> =>
      json<ResourceJson[]>(`${timeseries.url}/v1/resource/${type}`);
    /** The sum of a metric's 1 s points (counts), or its last point (gauges). */
    const total = async (resource: ResourceJson, name: string, aggregation = 'sum'): Promise<number> => {
      const id = resource.metrics[name];
      if (id === undefined) return NaN;
      const points = await json<[string, number, number][]>(
        `${timeseries.url}/v1/metric/${id}/measures?granularity=1&aggregation=${aggregation}&refresh=true`,
      );
      return aggregation === 'sum' ? points.reduce((s, p) => s + p[2], 0) : (points.at(-1)?.[2] ?? NaN);
    };
    const find = async (type: string, id: string): Promise<ResourceJson> =>
      until(`${id}'s resource`, async () =>
        (await resources(type)).find((x) => x.original_resource_id === id),
      );

    const routerResource = await find('edge-router', `edge-router:${r.endpoint}`);
    assert.equal(routerResource.endpoint, r.endpoint);
    await until('the router requests in the timeseries service', async () => {
      const fresh = await find('edge-router', `edge-router:${r.endpoint}`);
      return (await total(fresh, `requests@clambda0@${computer}`)) === 5 ? true : undefined;
    });
    const routerNow = await find('edge-router', `edge-router:${r.endpoint}`);
    for (const name of ['weight', 'latency', 'requests', 'errors'].map((f) => `${f}@clambda0@${computer}`)) {
      assert.ok(name in routerNow.metrics, `${name} in ${Object.keys(routerNow.metrics).join(' ')}`);
    }
    assert.equal(await total(routerNow, 'errors'), 0);

    await until('the computer calls', async () => {
      const c = await find('edge-computer', `edge-computer:${computer}`);
      return (await total(c, 'calls@clambda0')) === 5 ? true : undefined;
    });
    const computerResource = await find('edge-computer', `edge-computer:${computer}`);
    for (const name of ['load1', 'load10', 'load30', 'ptime@clambda0', 'requests', 'errors', 'dropped']) {
      assert.ok(name in computerResource.metrics, name);
    }
    const controllerResource = await find('edge-controller', `edge-controller:${controller}`);
    await until('the controller counts', async () =>
      (await total(controllerResource, 'computers', 'last')) === 1 ? true : undefined,
    );
    const clientResource = await find('edge-client', 'edge-client:test-client');
    assert.equal(await total(clientResource, 'requests'), 5);
    assert.equal(await total(clientResource, 'errors'), 0);
  });

  test('a silent timeseries server (accepts, never answers) neither fails nor holds up a call', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const connected = once(silent, 'connection');
    try {
      const r = await router(`http://127.0.0.1:${port},interval=0.2,timeout=600`);
      await connected; // the router's first telemetry request hangs from now on
      const lines = await client(r.endpoint, 20);
      assert.equal(lines.trim().split('\n').length, 20);
      const figures = await scrape(r.metrics);
      assert.equal(figures.get(`soe_router_requests_total{lambda="clambda0",destination="${computer}"}`), 20);
      assert.equal(figures.get('soe_router_telemetry_sent_total'), 0);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  test('a dead timeseries server: calls succeed, the router counts what it drops', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as { port: number };
    probe.close();
    await once(probe, 'close');
    const r = await router(`http://127.0.0.1:${port},interval=0.2`);
    const lines = await client(r.endpoint, 20);
    assert.equal(lines.trim().split('\n').length, 20);
    const dropped = await until('dropped measures', async () => {
      const n = (await scrape(r.metrics)).get('soe_router_telemetry_dropped_total') ?? 0;
      return n > 0 ? n : undefined;
    });
    assert.ok(dropped > 0);
    assert.equal((await scrape(r.metrics)).get('soe_router_telemetry_sent_total'), 0);
  });
});
