import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { run, startComputer, type Running } from './support/processes.js';

const running: Running[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

const dir = mkdtempSync(join(tmpdir(), 'soe-loadgen-'));

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

test('clienttracegen: the same seed prints the same trace, another seed another one', async () => {
  const args = ['--num-clients', '3', '--duration', '20', '--min-size', '10', '--max-size', '20'];
  const [a, b, c] = await Promise.all([
    run('clienttracegen', [...args, '--seed', '1']),
    run('clienttracegen', [...args, '--seed', '1']),
    run('clienttracegen', [...args, '--seed', '2']),
  ]);
  for (const r of [a, b, c]) assert.equal(r.code, 0, r.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.notEqual(a.stdout, c.stdout);
  const trace = a.stdout.trimEnd().split('\n');
  assert.ok(trace.length > 20, `${trace.length} events`);
  for (const line of trace) assert.match(line, /^\d+(\.\d+)? clambda0 localhost:6473 (1\d|20)$/);
  const bad = await run('clienttracegen', ['--num-clients', '0']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Exception caught: Zero clients/);
});

test('edgemulticlient replays a 20-event trace against a computer: 20 lines, dispatched 20 / 20', async () => {
  const computer = await startComputer();
  running.push(computer.proc);
  const trace = join(dir, 'trace.txt');
  const gen = await run('clienttracegen', [
    '--server-endpoint',
    computer.endpoint,
    '--num-clients',
    '1',
    '--rate',
    '20',
    '--duration',
    '1',
    '--seed',
    '7',
    '--output-file',
    trace,
  ]);
  assert.equal(gen.code, 0, gen.stderr);
  // Exactly 20 events over 1 s, whatever the draws: keep the first 20 lines, or repeat some.
  const events = lines(trace);
  assert.ok(events.length > 0);
  const twenty = Array.from({ length: 20 }, (_, i) => events[i % events.length]!.split(' '));
  writeFileSync(trace, twenty.map((f, i) => `${(i * 0.05).toFixed(2)} ${f[1]} ${f[2]} ${f[3]}\n`).join(''));
  const output = join(dir, 'multi.txt');
  const started = Date.now();
  const multi = await run('edgemulticlient', ['--input-file', trace, '--output-file', output]);
  assert.equal(multi.code, 0, multi.stderr);
  assert.ok(Date.now() - started >= 950, 'the replay follows the trace times');
  assert.match(multi.stderr, /multi-client\] dispatched +20 \/ 20\n/);
  assert.match(multi.stderr, /multi-client\] deadline misses \d+\n/);
  assert.match(multi.stderr, /multi-client\] average latency \S+\n/);
  const out = lines(output);
  assert.equal(out.length, 20);
  for (const line of out) assert.match(line, /^\S+ \S+ \d+  0$/);
  await computer.proc.stop('SIGINT');
});

test('edgemulticlient stops at a malformed trace line with its number, and at a missing file', async () => {
  const trace = join(dir, 'bad.txt');
  writeFileSync(trace, '0.1 clambda0 127.0.0.1:1 100\n\n0.2 clambda0 127.0.0.1:1 lots\n');
  const bad = await run('edgemulticlient', ['--input-file', trace]);
  assert.equal(bad.code, 1);
  assert.ok(bad.stderr.includes(`Exception caught: ${trace}:3: invalid size 'lots'`), bad.stderr);
  const missing = await run('edgemulticlient', ['--input-file', join(dir, 'nope.txt')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Exception caught: Cannot read trace file '.*nope\.txt': ENOENT/);
});

test('edgeippclient runs ipp and poisson clients against a computer and writes lines and a loss', async () => {
  const computer = await startComputer();
  running.push(computer.proc);
  for (const type of ['ipp', 'poisson']) {
    const output = join(dir, `${type}.txt`);
    const loss = join(dir, `${type}-loss.txt`);
    const ipp = await run('edgeippclient', [
      '--server-endpoints',
      computer.endpoint,
      '--client-type',
      type,
      '--num-clients',
      '2',
      '--duration',
      '2',
      '--on-mean',
      '0.5',
      '--off-mean',
      '0.2',
      '--period-mean',
      '0.3',
      '--max-sleep',
      '0.05',
      '--seed',
      '1',
      '--output-file',
      output,
      '--loss-file',
      loss,
    ]);
    assert.equal(ipp.code, 0, ipp.stderr);
    // Late clients send fewer requests (many fewer on a busy machine), but never none.
    const out = lines(output);
    assert.ok(out.length > 0, `${type}: ${out.length} lines`);
    for (const line of out) assert.match(line, /^\S+ \S+ \d+  clambda0 1$/);
    assert.match(ipp.stderr, /ipp-client\] latency \S+ \+- \S+\n/);
    const [value, ...rest] = lines(loss);
    assert.deepEqual(rest, []);
    assert.ok(Number(value) >= 0 && Number(value) < 1, `${type} loss ${value}`);
  }
  const invalid = await run('edgeippclient', ['--client-type', 'bursty']);
  assert.equal(invalid.code, 1);
  assert.equal(invalid.stdout, 'Invalid client type bursty, choose one of: ipppoisson\n');
  await computer.proc.stop('SIGINT');
});
