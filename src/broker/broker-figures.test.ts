import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Reading } from '../telemetry/readings.js';
import { TrafficStats } from '../telemetry/traffic-stats.js';
import { dispatcherFigures, routerFigures } from './broker-figures.js';
import { EdgeDispatcher } from './dispatcher/dispatcher.js';
import { DEFAULT_ROUTER_CONF, parseRouterConf } from './router-conf.js';
import { EdgeRouter } from './router/edge-router.js';

const change = (lambda: string, destination: string, weight: number) =>
  ({ action: 'CHANGE', lambda, destination, weight, final: true }) as const;

test("a router's figures: table #0's weights, then its traffic", () => {
  const router = new EdgeRouter({
    tableConf: 'type=random',
    optimizerConf: 'type=none',
    router: parseRouterConf(DEFAULT_ROUTER_CONF),
  });
  try {
    router.configure(change('f', '127.0.0.1:2', 0.5));
    router.configure(change('f', '127.0.0.1:1', 2));
    const traffic = new TrafficStats();
    traffic.ok('f', '127.0.0.1:1', 0.25);
    const out: Reading[] = [];
    routerFigures(router, traffic)(out);
    assert.deepEqual(out.slice(0, 2), [
      { kind: 'gauge', figure: 'weight', keys: ['f', '127.0.0.1:1'], value: 2 },
      { kind: 'gauge', figure: 'weight', keys: ['f', '127.0.0.1:2'], value: 0.5 },
    ]);
    assert.deepEqual(out.slice(2, 5), [
      { kind: 'count', figure: 'requests', keys: ['f', '127.0.0.1:1'], total: 1 },
      { kind: 'count', figure: 'errors', keys: ['f', '127.0.0.1:1'], total: 0 },
      { kind: 'mean', figure: 'latency', keys: ['f', '127.0.0.1:1'], sum: 0.25, count: 1 },
    ]);
  } finally {
    router.close();
  }
});

test("a dispatcher's figures: its estimator's predicted delay per destination (rtt: 0 without samples)", () => {
  const dispatcher = new EdgeDispatcher({
    ptimeEstConf: 'type=rtt,window-size=50,stale-period=10',
    router: parseRouterConf(DEFAULT_ROUTER_CONF),
  });
  try {
    dispatcher.configure(change('f', '127.0.0.1:1', 1));
    const out: Reading[] = [];
    dispatcherFigures(dispatcher, new TrafficStats())(out);
    assert.deepEqual(out[0], { kind: 'gauge', figure: 'estimate', keys: ['f', '127.0.0.1:1'], value: 0 });
    assert.deepEqual(
      out.slice(1).map((r) => [r.figure, r.keys]),
      [
        ['requests', []],
        ['errors', []],
        ['latency', []],
      ],
    );
  } finally {
    dispatcher.close();
  }
});
