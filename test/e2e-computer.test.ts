import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RpcClient } from '../src/protocol/rpc-client.js';
import { startRecordingController } from '../src/controller/recording-controller.test-support.js';
import { freeEndpoint } from './support/ports.js';
import { run, start, startComputer, type Running } from './support/processes.js';

const running: Running[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

test('edgeclient prints five lines `t latency load1 responder clambda0 1` from a computer', async () => {
  const computer = await startComputer();
  running.push(computer.proc);
  const client = await run('edgeclient', [
    '--lambda',
    'clambda0',
    '--server-endpoints',
    computer.endpoint,
    '--inter-request-time',
    '0.1',
    '--max-requests',
    '5',
  ]);
  assert.equal(client.code, 0, client.stderr);
  const lines = client.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5, client.stdout);
  let previous = 0;
  for (const line of lines) {
    // The responder column is empty when talking straight to a computer: two blanks.
    const m = /^(\S+) (\S+) (\d+)  clambda0 1$/.exec(line);
    assert.ok(m, `bad line: ${line}`);
    const t = Number(m[1]);
    const latency = Number(m[2]);
    assert.ok(t > previous, 'timestamps increase');
    previous = t;
    assert.ok(latency > 0.001 && latency < 1, `latency ${latency}`);
  }
  assert.match(client.stderr, /client\] latency \S+ \+- \S+\n/);
  // clambda0 with 100 bytes is 1.04e8 ops at 1e11 ops/s: 1.04 ms, reported in whole milliseconds.
  const processing = /client\] processing (\S+) \+- (\S+)\n/.exec(client.stderr);
  assert.ok(processing, client.stderr);
  assert.ok(Number(processing[1]) >= 0.001 && Number(processing[1]) < 0.01, processing[0]);
  const stopped = await computer.proc.stop('SIGINT');
  assert.equal(stopped.code, 0);
});

test('edgecomputerclient prints both raspberry processors once a second with 6 decimals', async () => {
  const computer = await startComputer();
  running.push(computer.proc);
  const util = start('edgecomputerclient', ['--server-endpoint', computer.utilization]);
  running.push(util);
  await util.waitFor(/(?:.*\n){4}/, 5000);
  await util.stop('SIGTERM');
  const lines = util.stdout().trimEnd().split('\n');
  assert.ok(lines.length >= 4, util.stdout());
  for (const line of lines) assert.match(line, /^\S+ (arm|bm2837) 0\.000000$/);
  const seconds = lines.map((l) => Number(l.split(' ')[0]));
  assert.equal(
    lines.filter((l) => l.includes(' arm ')).length,
    lines.filter((l) => l.includes(' bm2837 ')).length,
  );
  // One sample (two lines) per second.
  assert.ok(Math.abs(seconds[2]! - seconds[0]! - 1) < 0.25, `samples ${seconds.join(', ')}`);
  await computer.proc.stop('SIGINT');
});

test('a computer announces itself once it listens, with its real workers, and removes itself on SIGTERM', async () => {
  let reachable: string | undefined;
  const controller = await startRecordingController(async (info) => {
    // Q12 fixed: the computer must already answer when its announcement arrives.
    const client = new RpcClient('uiiit.rpc.EdgeServer', info.edgeServerEndpoint);
    try {
      reachable = (await client.call('RunLambda', { name: 'clambda0', input: 'x' }, { timeoutMs: 2000 }))
        .retcode;
    } finally {
      client.close();
    }
  });
  const computer = await startComputer(['--controller-endpoint', controller.server.endpoint]);
  running.push(computer.proc);
  await computer.proc.waitFor(/announced/);
  assert.equal(reachable, 'OK');
  assert.deepEqual(controller.announced, [
    {
      edgeServerEndpoint: computer.endpoint,
      containers: [
        { name: 'ccontainer0', processor: 'arm', lambda: 'clambda0', numWorkers: 4 },
        { name: 'gcontainer0', processor: 'bm2837', lambda: 'glambda0', numWorkers: 2 },
      ],
    },
  ]);
  const stopped = await computer.proc.stop('SIGTERM');
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.deepEqual(controller.removed, controller.announced);
  await controller.server.stop();
});

test('a computer started before its controller announces itself when the controller comes up', async () => {
  const endpoint = await freeEndpoint();
  const computer = await startComputer(['--controller-endpoint', endpoint]);
  running.push(computer.proc);
  await computer.proc.waitFor(/cannot announce to the controller/);
  const controller = await startRecordingController(undefined, endpoint);
  await computer.proc.waitFor(/announced/, 5000);
  await computer.proc.stop('SIGINT');
  await controller.server.stop();
});
