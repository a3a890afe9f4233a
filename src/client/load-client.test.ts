import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startComputerServer, type ComputerServer } from '../platform/computer-server.js';
import { Random } from '../support/random.js';
import { Saver } from '../support/saver.js';
import { interRequestGaps } from './inter-request.js';
import { runLoadClient, type LoadClientOptions } from './load-client.js';

let computer: ComputerServer;
const dir = mkdtempSync(join(tmpdir(), 'soe-load-'));

before(async () => {
  computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
  });
});
after(() => computer.stop());

function options(file: string, overrides: Partial<LoadClientOptions>): LoadClientOptions {
  return {
    endpoints: [computer.endpoint],
    clientConf: 'type=grpc',
    lambda: 'clambda0',
    sizes: [100],
    content: '',
    duration: 0,
    maxRequests: 3,
    numThreads: 1,
    initialDelay: 0,
    interRequestTime: 0,
    interRequestType: 'constant',
    dry: false,
    seed: 0,
    saver: new Saver(file),
    ...overrides,
  };
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '');
}

test('max-requests counts per thread and each OK response is one line', async () => {
  const file = join(dir, 'max.txt');
  const o = options(file, { maxRequests: 4, numThreads: 3 });
  const report = await runLoadClient(o);
  o.saver.close();
  assert.deepEqual(
    report.threads.map((t) => [t.sent, t.ok]),
    [
      [4, 4],
      [4, 4],
      [4, 4],
    ],
  );
  assert.equal(lines(file).length, 12);
  for (const l of lines(file)) assert.match(l, /^\S+ \S+ \d+  clambda0 1$/);
});

test('failed responses count as requests but print nothing', async () => {
  const file = join(dir, 'fail.txt');
  const o = options(file, { lambda: 'nope', maxRequests: 2 });
  const report = await runLoadClient(o);
  o.saver.close();
  assert.deepEqual(
    report.threads.map((t) => [t.sent, t.ok]),
    [[2, 0]],
  );
  assert.deepEqual(lines(file), []);
});

test('show-output: each OK line is followed by the output, a failure prints its retcode', async () => {
  const file = join(dir, 'show.txt');
  const o = options(file, { content: 'hello', maxRequests: 2, showOutput: true });
  await runLoadClient(o);
  o.saver.close();
  const printed = lines(file);
  assert.equal(printed.length, 4, printed.join('\n'));
  assert.match(printed[0]!, /^\S+ \S+ \d+  clambda0 1$/);
  assert.equal(printed[1], 'hello');
  assert.match(printed[2]!, /^\S+ \S+ \d+  clambda0 1$/);
  assert.equal(printed[3], 'hello');

  const failFile = join(dir, 'show-fail.txt');
  const failing = options(failFile, { lambda: 'nope', maxRequests: 2, showOutput: true });
  await runLoadClient(failing);
  failing.saver.close();
  const retcode = `No container for lambda nope found in computer computer@${computer.endpoint}`;
  assert.equal(readFileSync(failFile, 'utf8'), `invalid response to nope: ${retcode}\n`.repeat(2));
});

test('--dry puts the estimated processing time in the second column', async () => {
  const file = join(dir, 'dry.txt');
  const o = options(file, { dry: true, maxRequests: 2, sizes: [1000] });
  await runLoadClient(o);
  o.saver.close();
  // 1e6·1000 + 4e6 ops at 1e11 ops/s: 10.04 ms, truncated to 10 ms.
  for (const l of lines(file)) assert.equal(l.split(' ')[1], '0.01');
});

test('duration stops every thread; a transport error stops its thread and is reported', async () => {
  const file = join(dir, 'duration.txt');
  const o = options(file, {
    duration: 0.3,
    maxRequests: Number.MAX_SAFE_INTEGER,
    interRequestTime: 0.05,
    numThreads: 2,
  });
  const report = await runLoadClient(o);
  o.saver.close();
  // Six instants in 0.3 s (one more if the end's timer runs late); a busy machine may delay them past it.
  for (const t of report.threads) assert.ok(t.sent >= 1 && t.sent <= 7, `sent ${t.sent}`);
  const dead = options(join(dir, 'dead.txt'), { endpoints: ['127.0.0.1:1'] });
  const failed = await runLoadClient(dead);
  dead.saver.close();
  assert.equal(failed.errors.length, 1);
  assert.match(failed.errors[0]!, /^RPC failed: /);
});

test('sizes must be non-empty non-negative integers', async () => {
  await assert.rejects(runLoadClient(options('', { sizes: [] })), { message: 'Invalid --sizes option' });
  await assert.rejects(runLoadClient(options('', { sizes: [1.5] })), { message: 'Invalid --sizes option' });
});

test('inter-request gaps: constant, uniform on [0, 2T], exponential with mean T, same seed same draws', () => {
  assert.equal(interRequestGaps('constant', 0.2, new Random(1))(), 0.2);
  const n = 100_000;
  for (const type of ['uniform', 'poisson']) {
    const gap = interRequestGaps(type, 0.5, new Random(7));
    let sum = 0;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const g = gap();
      assert.ok(g >= 0);
      sum += g;
      max = Math.max(max, g);
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01, `${type} mean ${sum / n}`);
    if (type === 'uniform') assert.ok(max <= 1);
    else assert.ok(max > 1);
  }
  const a = interRequestGaps('poisson', 1, new Random(3));
  const b = interRequestGaps('poisson', 1, new Random(3));
  assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
  assert.throws(() => interRequestGaps('bursty', 1, new Random(1)), {
    message: 'Invalid inter-request type: bursty, choose one of: constant, uniform, poisson',
  });
});
