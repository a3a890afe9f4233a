// `soe timeseries serve --max-batch-new-metrics`, end to end: the option reaches the batch route (a batch
// creating more metrics is a 400 naming it, one at the bound is a 202), and a bound below 1 is refused.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run, start } from './support/processes.js';

const json = { accept: 'application/json', 'content-type': 'application/json' };

test('--max-batch-new-metrics 2: three new metrics are a 400 naming it, two a 202; 0 is refused', async () => {
  const proc = start('soe', [
    'timeseries',
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--data-dir',
    mkdtempSync(join(tmpdir(), 'soe-ts-batch-limit-')),
    '--auth',
    'none',
    '--max-batch-new-metrics',
    '2',
  ]);
  try {
    const [, url] = await proc.waitFor(/timeseries service listening on (http:\/\/\S+?),/);
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${url}${path}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
    assert.equal((await post('/v1/resource/generic', { id: 'r1' })).status, 201);
    const batch = '/v1/batch/resources/metrics/measures?create_metrics=true';
    const measures = [{ timestamp: '2024-01-01', value: 1 }];
    const three = await post(batch, { r1: { a: measures, b: measures, c: measures } });
    assert.deepEqual(
      [three.status, await three.json()],
      [
        400,
        {
          code: 400,
          title: 'Bad Request',
          description:
            'Too many new metrics: 3 metrics to create, more than the 2 of --max-batch-new-metrics',
        },
      ],
    );
    const two = await post(batch, { r1: { a: measures, b: measures } });
    assert.deepEqual([two.status, await two.text()], [202, '']);
    const metrics = await fetch(`${url}/v1/resource/generic/r1`, { headers: json });
    assert.deepEqual(Object.keys(((await metrics.json()) as { metrics: object }).metrics).sort(), ['a', 'b']);
  } finally {
    await proc.stop();
  }
  const refused = await run('soe', ['timeseries', 'serve', '--max-batch-new-metrics', '0']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Invalid --max-batch-new-metrics '0': a positive number of metrics\n$/);
});
