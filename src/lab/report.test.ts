import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvHeader, csvTable, formatRatio, formatSeconds, markdownTable } from './report.js';
import { statistic } from './stats.js';

test('the header of the default metrics is exactly the documented one; other metrics add columns', () => {
  assert.equal(csvHeader(['mean', 'p99']), 'policy,load,mean_s,p99_s,mean_vs_oracle,p99_vs_oracle');
  assert.equal(
    csvHeader(['mean', 'p50', 'max']),
    'policy,load,mean_s,p50_s,max_s,mean_vs_oracle,p50_vs_oracle,max_vs_oracle',
  );
});

test('numbers: seconds with 6 significant digits in plain notation, ratios with 3 decimals', () => {
  assert.equal(formatSeconds(0.0450123456), '0.0450123');
  assert.equal(formatSeconds(43.71142), '43.7114');
  assert.equal(formatSeconds(0.5), '0.500000');
  assert.equal(formatSeconds(123456.7), '123457');
  assert.equal(formatSeconds(0.00001234567), '0.0000123457');
  assert.equal(formatSeconds(0), '0');
  assert.equal(formatSeconds(Number.NaN), '');
  assert.equal(formatRatio(0.8456), '0.846');
  assert.equal(formatRatio(1), '1.000');
  assert.equal(formatRatio(Infinity), '');
});

test('the CSV and Markdown tables hold the same cells, one line per row', () => {
  const rows = [
    { policy: 'led', load: 0.8, values: { mean: 0.0423, p99: 0.11 }, ratios: { mean: 0.846, p99: 0.887 } },
    { policy: 'oracle', load: 0.8, values: { mean: 0.05, p99: 0.124 }, ratios: { mean: 1, p99: 1 } },
  ];
  assert.equal(
    csvTable(rows, ['mean', 'p99']),
    'policy,load,mean_s,p99_s,mean_vs_oracle,p99_vs_oracle\n' +
      'led,0.8,0.0423000,0.110000,0.846,0.887\n' +
      'oracle,0.8,0.0500000,0.124000,1.000,1.000\n',
  );
  assert.equal(
    markdownTable(rows, ['mean']),
    '| policy | load | mean_s | mean_vs_oracle |\n|---|---|---|---|\n' +
      '| led | 0.8 | 0.0423000 | 0.846 |\n| oracle | 0.8 | 0.0500000 | 1.000 |\n',
  );
});

test('statistics: mean, nearest-rank percentiles, maximum', () => {
  const xs = Array.from({ length: 200 }, (_, i) => (200 - i) / 100);
  assert.equal(statistic(xs, 'mean'), 1.005);
  assert.equal(statistic(xs, 'p50'), 1);
  assert.equal(statistic(xs, 'p99'), 1.98);
  assert.equal(statistic(xs, 'p999'), 2);
  assert.equal(statistic(xs, 'max'), 2);
  assert.equal(statistic([3], 'p99'), 3);
  assert.ok(Number.isNaN(statistic([], 'mean')));
});
