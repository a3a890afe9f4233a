import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { PROMETHEUS_CONTENT_TYPE } from '../support/prometheus.js';
import { ComputerStats } from './computer-stats.js';
import { parseMetricsEndpoint, startMetricsServer } from './metrics-server.js';
import { renderPrometheus } from './prometheus-figures.js';
import type { Reading } from './readings.js';
import { TrafficStats } from './traffic-stats.js';

describe('/metrics', () => {
  test('a router figures, served and parsed by a Prometheus text parser', async () => {
    const traffic = new TrafficStats();
    traffic.ok('f', '127.0.0.1:1', 0.5);
    traffic.ok('f', '127.0.0.1:1', 1.5);
    traffic.failed('f', '127.0.0.1:2');
    traffic.unrouted();
    const readings = (): Reading[] => {
      const out: Reading[] = [{ kind: 'gauge', figure: 'weight', keys: ['f', '127.0.0.1:1'], value: 0.25 }];
      traffic.source(out);
      return out;
    };
    const server = await startMetricsServer('127.0.0.1:0', () =>
      renderPrometheus('edge-router', readings(), { sent: 7, dropped: 2 }),
    );
    try {
      const res = await fetch(`http://${server.endpoint}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
      const families = parsePrometheusTextFormat(await res.text());
      const byName = Object.fromEntries(families.map((f) => [f.name, { type: f.type, metrics: f.metrics }]));
      const pair = (d: string): Record<string, string> => ({ lambda: 'f', destination: d });
      assert.deepEqual(byName, {
        soe_router_weight: { type: 'GAUGE', metrics: [{ value: '0.25', labels: pair('127.0.0.1:1') }] },
        soe_router_requests_total: {
          type: 'COUNTER',
          metrics: [
            { value: '2', labels: pair('127.0.0.1:1') },
            { value: '1', labels: pair('127.0.0.1:2') },
          ],
        },
        soe_router_errors_total: {
          type: 'COUNTER',
          metrics: [
            { value: '0', labels: pair('127.0.0.1:1') },
            { value: '1', labels: pair('127.0.0.1:2') },
          ],
        },
        soe_router_latency_seconds_total: {
          type: 'COUNTER',
          metrics: [
            { value: '2', labels: pair('127.0.0.1:1') },
            { value: '0', labels: pair('127.0.0.1:2') },
          ],
        },
        soe_router_latency_samples_total: {
          type: 'COUNTER',
          metrics: [
            { value: '2', labels: pair('127.0.0.1:1') },
            { value: '0', labels: pair('127.0.0.1:2') },
          ],
        },
        soe_router_telemetry_sent_total: { type: 'COUNTER', metrics: [{ value: '7' }] },
        soe_router_telemetry_dropped_total: { type: 'COUNTER', metrics: [{ value: '2' }] },
      });
    } finally {
      await server.stop();
    }
  });

  test('a computer: loads, utilization per processor, calls, errors and processing time per lambda', () => {
    const stats = new ComputerStats();
    stats.call('clambda0', true, 0.25, 0.5, 0.25, 0.125);
    stats.call('clambda0', false, 0, 0, 0, 0);
    stats.utilizationSample({ arm: 0.75 });
    const readings: Reading[] = [];
    stats.source(readings);
    const families = parsePrometheusTextFormat(renderPrometheus('edge-computer', readings));
    const values = Object.fromEntries(
      families.map((f) => [f.name, f.metrics.map((m) => [m.labels ?? {}, Number(m.value)])]),
    );
    assert.deepEqual(values, {
      soe_computer_load1: [[{}, 0.5]],
      soe_computer_load10: [[{}, 0.25]],
      soe_computer_load30: [[{}, 0.125]],
      soe_computer_utilization: [[{ processor: 'arm' }, 0.75]],
      soe_computer_ptime_seconds_total: [[{ lambda: 'clambda0' }, 0.25]],
      soe_computer_ptime_samples_total: [[{ lambda: 'clambda0' }, 1]],
      soe_computer_calls_total: [[{ lambda: 'clambda0' }, 1]],
      soe_computer_errors_total: [[{ lambda: 'clambda0' }, 1]],
      soe_computer_requests_total: [[{}, 2]],
    });
  });

  test('other paths are 404, other methods 405, HEAD has no body', async () => {
    const server = await startMetricsServer('127.0.0.1:0', () => '');
    try {
      const other = await fetch(`http://${server.endpoint}/`);
      assert.equal(other.status, 404);
      assert.equal(await other.text(), 'Not found: GET /metrics\n');
      const post = await fetch(`http://${server.endpoint}/metrics`, { method: 'POST', body: 'x' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
      const head = await fetch(`http://${server.endpoint}/metrics?x=1`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
    } finally {
      await server.stop();
    }
  });

  test('--metrics-endpoint must be HOST:PORT', () => {
    assert.deepEqual(parseMetricsEndpoint('[::1]:9464'), { host: '[::1]', port: 9464 });
    for (const bad of ['9464', 'host:', 'host:99999', ':1']) {
      assert.throws(() => parseMetricsEndpoint(bad), {
        message: `--metrics-endpoint: expected HOST:PORT such as 127.0.0.1:9464, got '${bad}'`,
      });
    }
  });
});
