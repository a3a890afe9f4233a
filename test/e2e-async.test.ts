/**
 * `edgecomputer --asynchronous --state-endpoint` and `edgeclient --callback-endpoint` as processes of this
 * build (issue 16): the client's lines come from the callbacks (responder = the computer, hops 1 direct),
 * a computer without --asynchronous refuses, and the option errors of the original.
 */
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BIN_DIR, start, run, type Running } from './support/processes.js';

const SOE = relative(
  BIN_DIR,
  fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url)),
).replace(/\.js$/, '');

let asyncComputer: { proc: Running; endpoint: string; states: string };
let syncComputer: { proc: Running; endpoint: string };

before(async () => {
  const a = start(SOE, [
    'edgecomputer',
    '--server-endpoint',
    '127.0.0.1:0',
    '--utilization-endpoint',
    '',
    '--asynchronous',
    '--num-threads',
    '2',
    '--state-endpoint',
    '127.0.0.1:0',
  ]);
  const s = start(SOE, ['edgecomputer', '--server-endpoint', '127.0.0.1:0', '--utilization-endpoint', '']);
  const [ma, ms] = await Promise.all([a.waitFor(/listening on (\S+),/), s.waitFor(/listening on (\S+),/)]);
  const st = await a.waitFor(/state server listening on (\S+)/);
  await a.waitFor(/asynchronous invocations: 2 workers/);
  asyncComputer = { proc: a, endpoint: ma[1]!, states: st[1]! };
  syncComputer = { proc: s, endpoint: ms[1]! };
});

after(async () => {
  const [a, s] = await Promise.all([asyncComputer?.proc.stop(), syncComputer?.proc.stop()]);
  assert.equal(a?.code, 0);
  assert.equal(s?.code, 0);
});

test('edgeclient --callback-endpoint prints one line per callback, from the computer', async () => {
  const res = await run(SOE, [
    'edgeclient',
    '--server-endpoints',
    asyncComputer.endpoint,
    '--callback-endpoint',
    '127.0.0.1:0',
    '--max-requests',
    '3',
    '--content',
    'hello',
    '--show-output',
  ]);
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 6, res.stdout);
  for (let i = 0; i < 3; i++) {
    const fields = lines[2 * i]!.split(' ');
    assert.equal(fields.length, 6, lines[2 * i]);
    assert.ok(Number(fields[1]) > 0);
    assert.deepEqual(fields.slice(2), ['0', asyncComputer.endpoint, 'clambda0', '1']);
    assert.equal(lines[2 * i + 1], 'hello');
  }
  assert.match(res.stderr, /callback server listening on 127\.0\.0\.1:\d+/);
});

test('a computer without --asynchronous refuses: the client prints the retcode, no line', async () => {
  const res = await run(SOE, [
    'edgeclient',
    '--server-endpoints',
    syncComputer.endpoint,
    '--callback-endpoint',
    '127.0.0.1:0',
    '--max-requests',
    '1',
    '--show-output',
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(
    res.stdout,
    'invalid response to clambda0: Cannot handle an asynchronous function invocation\n',
  );
});

test('option errors: --no-state-server alone, --callback-endpoint with threads, a bad --callback-timeout', async () => {
  const cases: [string[], string][] = [
    [['edgecomputer', '--no-state-server'], 'Cannot specify --no-state-server without --state-endpoint'],
    [['edgeclient', '--no-state-server'], 'Cannot specify --no-state-server without --state-endpoint'],
    [
      ['edgeclient', '--callback-endpoint', '127.0.0.1:0', '--num-threads', '2'],
      'With asynchronous responses it is currently not possible to have > 1 thread',
    ],
    [
      ['edgeclient', '--callback-endpoint', '127.0.0.1:0', '--callback-timeout', '0'],
      'Invalid --callback-timeout option: 0',
    ],
    [['edgecomputer', '--max-pending-async', '-1'], 'Invalid --max-pending-async option: -1'],
    [['edgecomputer', '--join-ttl', '0'], 'Invalid --join-ttl option: 0 (seconds, more than 0)'],
  ];
  for (const [args, message] of cases) {
    const res = await run(SOE, args);
    assert.notEqual(res.code, 0, args.join(' '));
    assert.ok(res.stderr.includes(message), `${args.join(' ')}: ${res.stderr}`);
  }
});
