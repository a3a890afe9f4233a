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
  const before = performance.now();
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
  const wall = (performance.now() - before) / 1000;
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
    // at least the processing time, and within the client's run
    assert.ok(latency > 0.001 && latency < wall, `latency ${latency} s of a ${wall} s run`);
  }
  const latency = /client\] latency (\S+) \+- \S+\n/.exec(client.stderr);
  assert.ok(latency, client.stderr);
  // clambda0 with 100 bytes is 1.04e8 ops at 1e11 ops/s: 1.04 ms, reported in whole milliseconds (more
  // when a busy machine runs the computer's timers late), within the latency.
  const processing = /client\] processing (\S+) \+- (\S+)\n/.exec(client.stderr);
  assert.ok(processing, client.stderr);
  assert.ok(
    Number(processing[1]) >= 0.001 && Number(processing[1]) <= Number(latency[1]),
    `${processing[0]}, ${latency[0]}`,
  );
  const stopped = await computer.proc.stop('SIGINT');
  assert.equal(stopped.code, 0);
});

test('edgecomputerclient prints both raspberry processors once a second with 6 decimals', async () => {
  const before = performance.now();
  const computer = await startComputer();
  running.push(computer.proc);
  const util = start('edgecomputerclient', ['--server-endpoint', computer.utilization]);
  running.push(util);
  await util.waitFor(/(?:.*\n){4}/);
  await util.stop('SIGTERM');
  const elapsed = (performance.now() - before) / 1000;
  const lines = util.stdout().trimEnd().split('\n');
  assert.ok(lines.length >= 4, util.stdout());
  for (const line of lines) assert.match(line, /^\S+ (arm|bm2837) 0\.000000$/);
  const seconds = lines.map((l) => Number(l.split(' ')[0]));
  assert.equal(
    lines.filter((l) => l.includes(' arm ')).length,
    lines.filter((l) => l.includes(' bm2837 ')).length,
  );
  // One sample (two lines) per second: the k-th comes k seconds or more after the computer started
  // (later on a busy machine), so there are no more samples than seconds elapsed.
  assert.ok(
    seconds.every((t, i) => i === 0 || t >= seconds[i - 1]!),
    `samples ${seconds.join(', ')}`,
  );
  assert.ok(lines.length / 2 <= elapsed, `${lines.length / 2} samples in ${elapsed} s`);
  await computer.proc.stop('SIGINT');
});

test('a computer announces itself once it listens, with its real workers, and removes itself on SIGTERM', async () => {
  let reachable: string | undefined;
  const controller = await startRecordingController(async (info) => {
    // Q12 fixed: the computer must already answer when its announcement arrives.
    const client = new RpcClient('uiiit.rpc.EdgeServer', info.edgeServerEndpoint);
    try {
      // (a computer not yet listening refuses the connection at once; the deadline is a hang guard)
      reachable = (await client.call('RunLambda', { name: 'clambda0', input: 'x' }, { timeoutMs: 30_000 }))
        .retcode;
    } finally {
      client.close();
    }
  });
  try {
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
        managementEndpoint: '',
      },
    ]);
    const stopped = await computer.proc.stop('SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.deepEqual(controller.removed, controller.announced);
  } finally {
    await controller.server.stop();
  }
});

test('a computer started before its controller announces itself when the controller comes up', async () => {
  const endpoint = await freeEndpoint();
  const computer = await startComputer(['--controller-endpoint', endpoint]);
  running.push(computer.proc);
  await computer.proc.waitFor(/cannot announce to the controller/);
  const controller = await startRecordingController(undefined, endpoint);
  try {
    await computer.proc.waitFor(/announced/);
    await computer.proc.stop('SIGINT');
  } finally {
    await controller.server.stop();
  }
});
