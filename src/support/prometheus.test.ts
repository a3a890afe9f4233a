import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PrometheusRegistry,
  escapeHelp,
  escapeLabelValue,
  formatSampleValue,
  PROMETHEUS_CONTENT_TYPE,
} from './prometheus.js';

test('a registry renders HELP, TYPE and samples in registration order, as format 0.0.4', () => {
  const registry = new PrometheusRegistry();
  const requests = registry.counter('http_requests_total', 'Requests answered.', ['method', 'status']);
  const pending = registry.gauge('queue_length', 'Items waiting.');
  registry.counter('errors_total', 'Errors.');
  requests.inc({ method: 'GET', status: '200' });
  requests.inc({ method: 'GET', status: '200' }, 2);
  requests.inc({ status: '404', method: 'POST' });
  pending.set(7.5);
  assert.equal(
    registry.render(),
    '# HELP http_requests_total Requests answered.\n' +
      '# TYPE http_requests_total counter\n' +
      'http_requests_total{method="GET",status="200"} 3\n' +
      'http_requests_total{method="POST",status="404"} 1\n' +
      '# HELP queue_length Items waiting.\n' +
      '# TYPE queue_length gauge\n' +
      'queue_length 7.5\n' +
      '# HELP errors_total Errors.\n' +
      '# TYPE errors_total counter\n' +
      'errors_total 0\n',
  );
  assert.equal(PROMETHEUS_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
});

test('label values escape backslash, double quote and line feed; help escapes backslash and line feed', () => {
  const registry = new PrometheusRegistry();
  const g = registry.gauge('odd', 'A "quoted" \\ help\non two lines', ['path']);
  g.set(1, { path: 'C:\\dir "x"\nnext' });
  assert.equal(
    registry.render(),
    '# HELP odd A "quoted" \\\\ help\\non two lines\n' +
      '# TYPE odd gauge\n' +
      'odd{path="C:\\\\dir \\"x\\"\\nnext"} 1\n',
  );
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.equal(escapeHelp('a\\b"c\nd'), 'a\\\\b"c\\nd');
});

test('special values are +Inf, -Inf and NaN; a labelled metric without samples has only its header', () => {
  assert.deepEqual([Infinity, -Infinity, NaN, 0, -2, 1e21, 0.1].map(formatSampleValue), [
    '+Inf',
    '-Inf',
    'NaN',
    '0',
    '-2',
    '1e+21',
    '0.1',
  ]);
  const registry = new PrometheusRegistry();
  registry.counter('rejected_total', 'Rejected.', ['reason']);
  assert.equal(registry.render(), '# HELP rejected_total Rejected.\n# TYPE rejected_total counter\n');
});

test('setTotal mirrors a count kept elsewhere; a gauge is set, read and reset', () => {
  const registry = new PrometheusRegistry();
  const failures = registry.counter('failures_total', 'Failures.', ['kind']);
  failures.setTotal(4, { kind: 'disk' });
  assert.equal(failures.get({ kind: 'disk' }), 4);
  const g = registry.gauge('g', 'G.', ['k']);
  g.set(3, { k: 'a' });
  assert.equal(g.get({ k: 'a' }), 3);
  assert.equal(g.get({ k: 'b' }), 0);
  g.reset();
  assert.equal(
    registry.render(),
    '# HELP failures_total Failures.\n# TYPE failures_total counter\nfailures_total{kind="disk"} 4\n# HELP g G.\n# TYPE g gauge\n',
  );
});

test('a metric keeps at most maxSeries label sets; existing ones still count', () => {
  const registry = new PrometheusRegistry({ maxSeries: 2 });
  const c = registry.counter('c_total', 'C.', ['v']);
  for (const v of ['a', 'b', 'c', 'a']) c.inc({ v });
  assert.equal(
    registry.render(),
    '# HELP c_total C.\n# TYPE c_total counter\nc_total{v="a"} 2\nc_total{v="b"} 1\n',
  );
});

test('bad names, labels and uses are refused with the metric named', () => {
  const registry = new PrometheusRegistry();
  assert.throws(
    () => registry.counter('requests', 'R.'),
    /^Error: Prometheus counter requests must end with _total$/,
  );
  assert.throws(() => registry.gauge('1bad', 'B.'), /^Error: Invalid Prometheus metric name '1bad'$/);
  assert.throws(
    () => registry.gauge('g', 'G.', ['__x']),
    /^Error: Invalid Prometheus label name '__x' of g$/,
  );
  assert.throws(() => registry.gauge('h', 'H.', ['a', 'a']), /^Error: Duplicate Prometheus label name in h$/);
  const c = registry.counter('c_total', 'C.', ['a', 'b']);
  assert.throws(
    () => registry.counter('c_total', 'C.'),
    /^Error: Prometheus metric c_total registered twice$/,
  );
  assert.throws(() => c.inc({ a: 'x' }), /^Error: c_total takes the labels a, b$/);
  assert.throws(() => c.inc({ a: 'x', c: 'y' }), /^Error: c_total takes the labels a, b$/);
  assert.throws(() => c.inc({ a: 'x', b: 'y' }, -1), /^Error: c_total can only increase \(by -1\)$/);
  const plain = registry.gauge('plain', 'P.');
  assert.throws(() => plain.set(1, { a: 'x' }), /^Error: plain has no labels$/);
});
