import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StoreStatus } from '../store.js';
import { createYearsRate, startHarness, type Harness } from './harness.test-support.js';
import { statusMetrics } from './routes-prometheus.js';

/** The sample lines of an exposition (no comments), without the process_ ones (they vary). */
function samples(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('process_'));
}

describe('GET /metrics', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createYearsRate(h);
  });
  after(() => h.close());

  test('counts requests by method, route and status, and measure writes refused by reason', async () => {
    const metric = (
      await h.request('POST', '/v1/metric', { body: { archive_policy_name: 'years_rate' } })
    ).json() as {
      id: string;
    };
    const post = (body: unknown) => h.request('POST', `/v1/metric/${metric.id}/measures`, { body });
    assert.equal((await post([{ timestamp: '2024-01-05T00:00:00', value: 1 }])).status, 202);
    assert.equal((await post([{ timestamp: 'not a time', value: 1 }])).status, 400);
    assert.equal((await post([{ timestamp: '1e303', value: 1 }])).status, 400);
    assert.equal((await post([{ timestamp: '2024-01-05T00:00:00', value: 'x' }])).status, 400);
    assert.equal((await post([{ value: 1 }])).status, 400);
    assert.equal((await post([{ timestamp: '2022-01-01T00:00:00', value: 1 }])).status, 400, 'back window');
    assert.equal((await h.request('GET', '/v1/nowhere')).status, 404);
    assert.equal((await h.request('GET', '/v1/status', { user: 'ann' })).status, 403);

    const r = await h.request('GET', '/metrics', { accept: 'text/plain;version=0.0.4;q=0.4,*/*;q=0.1' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const lines = samples(r.body);
    for (const line of [
      'soe_timeseries_http_requests_total{method="POST",route="/v1/archive_policy",status="201"} 1',
      'soe_timeseries_http_requests_total{method="POST",route="/v1/metric",status="201"} 1',
      'soe_timeseries_http_requests_total{method="POST",route="/v1/metric/:id/measures",status="202"} 1',
      'soe_timeseries_http_requests_total{method="POST",route="/v1/metric/:id/measures",status="400"} 5',
      'soe_timeseries_http_requests_total{method="GET",route="(unmatched)",status="404"} 1',
      'soe_timeseries_http_requests_total{method="GET",route="/v1/status",status="403"} 1',
      'soe_timeseries_measure_writes_rejected_total{reason="unparsable_timestamp"} 1',
      'soe_timeseries_measure_writes_rejected_total{reason="after_max_timestamp"} 1',
      'soe_timeseries_measure_writes_rejected_total{reason="value"} 1',
      'soe_timeseries_measure_writes_rejected_total{reason="format"} 1',
      'soe_timeseries_measure_writes_rejected_total{reason="back_window"} 1',
      'soe_timeseries_metrics 1',
      'soe_timeseries_measures_rejected_total{reason="back_window"} 1',
      'soe_timeseries_quarantined_records_total 0',
      'soe_timeseries_journal_checkpoint_failures_total 0',
    ]) {
      assert.ok(lines.includes(line), `${line} in\n${lines.join('\n')}`);
    }
    assert.match(
      r.body,
      /\n# TYPE soe_timeseries_journal_segments gauge\nsoe_timeseries_journal_segments \d+\n/,
    );
    assert.match(r.body, /\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes \d+\n/);
  });

  test('by default only an administrator reads it', async () => {
    assert.equal((await h.request('GET', '/metrics', { user: null })).status, 401);
    assert.equal((await h.request('GET', '/metrics', { user: 'ann' })).status, 403);
  });

  test('with metricsAuth none anyone does', async () => {
    const open = await startHarness({ metricsAuth: 'none' });
    try {
      assert.equal((await open.request('GET', '/metrics', { user: null, accept: null })).status, 200);
    } finally {
      await open.close();
    }
  });
});

test('statusMetrics: the /v1/status figures, with the journal’s when the store has one', () => {
  const status: StoreStatus = {
    metrics: 3,
    measures: 7,
    measures_to_process: { a: 5, b: 2, c: 0 },
    rejected_measures: 4,
    quarantined_records: 1,
  };
  assert.equal(
    statusMetrics(status).render(),
    '# HELP soe_timeseries_metrics Metrics in the index.\n' +
      '# TYPE soe_timeseries_metrics gauge\n' +
      'soe_timeseries_metrics 3\n' +
      '# HELP soe_timeseries_metrics_pending Metrics with measures waiting to be aggregated (/v1/status summary.metrics).\n' +
      '# TYPE soe_timeseries_metrics_pending gauge\n' +
      'soe_timeseries_metrics_pending 2\n' +
      '# HELP soe_timeseries_measures_pending Measures accepted and not yet aggregated (/v1/status summary.measures).\n' +
      '# TYPE soe_timeseries_measures_pending gauge\n' +
      'soe_timeseries_measures_pending 7\n' +
      '# HELP soe_timeseries_measures_rejected_total Measures refused since start, by reason: back_window, older than their metric’s back window (/v1/status summary.rejected_measures).\n' +
      '# TYPE soe_timeseries_measures_rejected_total counter\n' +
      'soe_timeseries_measures_rejected_total{reason="back_window"} 4\n' +
      '# HELP soe_timeseries_quarantined_records_total Journal records kept aside at start because they could not be replayed (/v1/status summary.quarantined_records).\n' +
      '# TYPE soe_timeseries_quarantined_records_total counter\n' +
      'soe_timeseries_quarantined_records_total 1\n',
  );
  const journal = samples(
    statusMetrics({
      ...status,
      journal: {
        segments: 2,
        bytes: 4096,
        last_checkpoint: '2024-01-01T00:00:01.500Z',
        checkpoint_failures: 3,
        last_checkpoint_error: 'ENOSPC',
        write_failures: 5,
        last_write_error: 'EIO',
        corrupt_records: 6,
        skipped_bytes: 70,
      },
    }).render(),
  ).slice(5);
  assert.deepEqual(journal, [
    'soe_timeseries_journal_segments 2',
    'soe_timeseries_journal_bytes 4096',
    'soe_timeseries_journal_last_checkpoint_timestamp_seconds 1704067201.5',
    'soe_timeseries_journal_checkpoint_failures_total 3',
    'soe_timeseries_journal_write_failures_total 5',
    'soe_timeseries_journal_corrupt_records_total 6',
    'soe_timeseries_journal_skipped_bytes_total 70',
  ]);
});
