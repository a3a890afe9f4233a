// `soe timeseries serve --max-batch-new-metrics`, end to end: the option reaches the batch route (a batch
// creating more metrics is a 400 naming it, one at the bound is a 202), and a bound below 1 is refused.
// The soe of this build (test/support/soe-of-this-build), not bin/soe.js (dist/'s).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SOE = fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url));

const json = { accept: 'application/json', 'content-type': 'application/json' };

test('--max-batch-new-metrics 2: three new metrics are a 400 naming it, two a 202; 0 is refused', async () => {
  const child = spawn(process.execPath, [
    SOE,
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
  const exited = once(child, 'exit');
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const look = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /timeseries service listening on (http:\/\/\S+?),/.exec(output);
        if (match !== null) resolve(match[1] as string);
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.on('exit', () => reject(new Error(`soe exited before listening: ${output}`)));
    });
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
    child.kill('SIGTERM');
    await exited;
  }
  const refused = spawnSync(process.execPath, [SOE, 'timeseries', 'serve', '--max-batch-new-metrics', '0'], {
    encoding: 'utf8',
  });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /Invalid --max-batch-new-metrics '0': a positive number of metrics\n$/);
});
