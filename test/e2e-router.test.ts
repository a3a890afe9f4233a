import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RpcClient } from '../src/protocol/rpc-client.js';
import {
  run,
  start,
  startComputer,
  startController,
  startRouter,
  type Running,
} from './support/processes.js';
import { freeEndpoint } from './support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-router-'));
const running: Running[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

/** Controller, two raspberry computers and one router announced to it: the original README example. */
async function readmeExample(routerArgs: string[]) {
  const stateFile = join(dir, `state-${running.length}.json`);
  const controller = await startController(stateFile);
  running.push(controller.proc);
  const ctl = ['--controller-endpoint', controller.endpoint];
  const computers = await Promise.all([startComputer(ctl), startComputer(ctl)]);
  running.push(...computers.map((c) => c.proc));
  await Promise.all(computers.map((c) => c.proc.waitFor(/announced/)));
  const router = await startRouter([...ctl, ...routerArgs]);
  running.push(router.proc);
  return { controller, computers, router, stateFile };
}

/** Lines of `forwardingtableclient` dump, parsed as [table, lambda, weight, destination, final]. */
function parseDump(dump: string): [number, string, number, string, boolean][] {
  const rows: [number, string, number, string, boolean][] = [];
  let table = -1;
  let lambda = '';
  for (const line of dump.trimEnd().split('\n')) {
    const t = /^Table#(\d+)$/.exec(line);
    if (t) {
      table = Number(t[1]);
      continue;
    }
    const m = /^(\S*)\s*\[(\S+)\s*\] (\S+)( \(F\))?$/.exec(line);
    assert.ok(m, `bad dump line: ${line}`);
    if (m[1] !== '') lambda = m[1]!;
    rows.push([table, lambda, Number(m[2]), m[3]!, m[4] !== undefined]);
  }
  return rows;
}

/** The weights of clambda0 in table #0 of a router (its EdgeRouter.GetTable). */
async function clambdaWeights(configuration: string): Promise<number[]> {
  const rpc = new RpcClient('uiiit.rpc.EdgeRouter', configuration);
  try {
    const table = await rpc.call('GetTable', { value: 0 });
    return table.entries.filter((e) => e.lambda === 'clambda0').map((e) => e.weight);
  } finally {
    rpc.close();
  }
}

test(
  'README example: client → router → computers, both computers used, measured weights in table #0',
  { timeout: 120_000 },
  async () => {
    // The optimizer's first update comes one period after the router starts: the 20 requests run before it,
    // while both weights are still 1 (once measured, random ∝ 1/weight may rightly favour one computer).
    // Starting the client and its requests take 5 s at a load of 10 on two cores: 20 s leaves room for
    // a busier machine. The update is then waited for.
    const { computers, router } = await readmeExample([
      '--optimizer-conf',
      'type=trivial,period=20,stat=mean',
    ]);
    const client = await run('edgeclient', [
      '--lambda',
      'clambda0',
      '--server',
      router.endpoint,
      '--inter-request-time',
      '0.05',
      '--max-requests',
      '20',
    ]);
    assert.equal(client.code, 0, client.stderr);
    const lines = client.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 20);
    const endpoints = computers.map((c) => c.endpoint);
    const responders = new Set<string>();
    for (const line of lines) {
      const m = /^\S+ \S+ \d+ (\S+) clambda0 2$/.exec(line);
      assert.ok(m, `bad line: ${line}`);
      assert.ok(endpoints.includes(m[1]!), `unknown responder ${m[1]}`);
      responders.add(m[1]!);
    }
    assert.equal(responders.size, 2, 'the random policy uses both computers');
    const maxLatency = Math.max(...lines.map((l) => Number(l.split(' ')[1])));
    assert.deepEqual(
      await clambdaWeights(router.configuration),
      [1, 1],
      'the requests ran before the first weight update',
    );
    while ((await clambdaWeights(router.configuration)).every((w) => w === 1)) {
      await new Promise((r) => setTimeout(r, 100)); // polling the table: the update has no other sign
    }
    const dump = await run('forwardingtableclient', ['--server-endpoint', router.configuration]);
    assert.equal(dump.code, 0, dump.stderr);
    const rows = parseDump(dump.stdout);
    const expected = endpoints.flatMap((e) => [`clambda0 ${e}`, `glambda0 ${e}`]).sort();
    for (const table of [0, 1]) {
      assert.deepEqual(
        rows.filter((r) => r[0] === table).map((r) => `${r[1]} ${r[3]}`),
        expected,
      );
    }
    for (const [table, lambda, weight, , final] of rows) {
      assert.equal(final, true);
      // Client traffic only updates table #0, and only clambda0 had traffic.
      // The mean time the router measured, within the longest latency the client saw (both printed to 6 digits).
      if (table === 0 && lambda === 'clambda0')
        assert.ok(
          weight > 0 && weight <= maxLatency * 1.00001,
          `weight ${weight}, latencies up to ${maxLatency}`,
        );
      else assert.equal(weight, 1);
    }
  },
);

test('a computer killed during a run: every request is answered OK and the computer is dropped everywhere', async () => {
  const { computers, router, stateFile } = await readmeExample([
    '--optimizer-conf',
    'type=none',
    '--table-conf',
    'type=random',
  ]);
  const [victim, survivor] = computers;
  const clientRun = start('edgeclient', [
    '--server',
    router.endpoint,
    '--inter-request-time',
    '0.02',
    '--max-requests',
    '100',
  ]);
  running.push(clientRun);
  await clientRun.waitFor(/(?:.*\n){10}/); // ten answers: the run is under way
  await victim.proc.stop('SIGKILL');
  const client = await clientRun.exited();
  assert.equal(client.code, 0, client.stderr);
  const lines = client.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 100, 'every request got an OK reply');
  assert.ok(lines.slice(-20).every((l) => l.includes(` ${survivor.endpoint} `)));
  const dump = await run('forwardingtableclient', ['--server-endpoint', router.configuration]);
  assert.ok(!dump.stdout.includes(victim.endpoint), dump.stdout);
  assert.match(dump.stdout, new RegExp(`clambda0 \\[\\S+\\s*\\] ${survivor.endpoint} \\(F\\)`));
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { computers: { endpoint: string }[] };
  assert.deepEqual(
    state.computers.map((c) => c.endpoint),
    [survivor.endpoint],
  );
});

test('soe up runs a topology, prints where each part listens, runs its client and stops cleanly', async () => {
  const free = await Promise.all(Array.from({ length: 7 }, () => freeEndpoint()));
  const [ctl, c1, u1, c2, u2, r, rc] = free as [string, string, string, string, string, string, string];
  const topology = join(dir, 'topology.yaml');
  writeFileSync(
    topology,
    `controller:\n  server-endpoint: ${ctl}\n  state-file: ''\n` +
      `computers:\n  - server-endpoint: ${c1}\n    utilization-endpoint: ${u1}\n` +
      `  - server-endpoint: ${c2}\n    utilization-endpoint: ${u2}\n` +
      `routers:\n  - server-endpoint: ${r}\n    configuration-endpoint: ${rc}\n` +
      `clients:\n  - server-endpoints: ${r}\n    inter-request-time: 0.05\n    max-requests: 5\n`,
  );
  const up = await run('soe', ['up', topology, '--exit-after-clients', '--log-dir', dir]);
  assert.equal(up.code, 0, up.stderr);
  const [header, ...rest] = up.stdout.trimEnd().split('\n');
  assert.equal(header, `deployment of ${topology} is up (logs in ${dir}):`);
  assert.deepEqual(rest.slice(0, 4), [
    `  controller    ${ctl}`,
    `  computers[0]  ${c1}, utilization stream on ${u1}`,
    `  computers[1]  ${c2}, utilization stream on ${u2}`,
    `  routers[0]    ${r}, configuration on ${rc}`,
  ]);
  const lines = rest.slice(4);
  assert.equal(lines.length, 5);
  for (const l of lines) assert.match(l, new RegExp(`^\\S+ \\S+ \\d+ (${c1}|${c2}) clambda0 2$`));
  // Every component exited through its SIGINT handler, and a clean stop logs no error (glog E) line: the
  // controller told of the computers leaving after the router is news, not an error.
  for (const name of ['controller', 'computers-0', 'computers-1', 'routers-0']) {
    const log = readFileSync(join(dir, `${name}.log`), 'utf8');
    assert.match(log, /SIGINT received/);
    assert.doesNotMatch(log, /^E\d{4} /m, `${name}.log`);
  }
});

test('soe up rejects a bad topology naming the component and option', async () => {
  const topology = join(dir, 'bad.yaml');
  writeFileSync(topology, 'computers:\n  - server-endpoint: 127.0.0.1:0\n    speed: 3\n');
  const up = await run('soe', ['up', topology]);
  assert.equal(up.code, 1);
  assert.match(
    up.stderr,
    new RegExp(
      `Exception caught: ${topology}: computers\\[0\\]: unknown option 'speed' of 'soe computer'\\n`,
    ),
  );
});

test('bad router options and table commands are reported with the spec errors', async () => {
  const policy = await run('edgerouter', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--configuration-endpoint',
    '127.0.0.1:0',
    '--table-conf',
    'type=foo',
  ]);
  assert.equal(policy.code, 1);
  assert.match(policy.stderr, /Exception caught: Invalid forwarding table type: foo\n/);
  const optimizer = await run('edgerouter', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--configuration-endpoint',
    '127.0.0.1:0',
    '--optimizer-conf',
    'type=bar',
  ]);
  assert.equal(optimizer.code, 1);
  assert.match(optimizer.stderr, /Exception caught: Invalid local optimizer type: bar\n/);
  const router = await startRouter();
  running.push(router.proc);
  const negative = await run('forwardingtableclient', [
    '--server',
    router.configuration,
    '--action',
    'change',
    '--weight',
    '-1',
  ]);
  assert.equal(negative.code, 1);
  assert.match(negative.stderr, /Exception caught: Error: Invalid weight '-1\.000000', must be > 0\n/);
  const action = await run('forwardingtableclient', ['--server', router.configuration, '--action', 'purge']);
  assert.equal(action.code, 1);
  assert.match(
    action.stderr,
    /Exception caught: Invalid action purge, choose one of: dump, reset, flush, change, remove\n/,
  );
  const change = await run('forwardingtableclient', [
    '--server',
    router.configuration,
    '--action',
    'change',
    '--destination',
    'h:1',
    '--weight',
    '0.5',
    '--final',
  ]);
  assert.equal(change.stdout, 'OK\n');
  const dump = await run('forwardingtableclient', ['--server', router.configuration]);
  assert.equal(dump.stdout, 'Table#0\nclambda0 [0.5] h:1 (F)\nTable#1\nclambda0 [0.5] h:1 (F)\n');
  assert.equal(
    (await run('forwardingtableclient', ['--server', router.configuration, '--action', 'reset'])).stdout,
    'OK\n',
  );
  const reset = await run('forwardingtableclient', ['--server', router.configuration]);
  assert.equal(reset.stdout, 'Table#0\nclambda0 [1] h:1 (F)\nTable#1\nclambda0 [1] h:1 (F)\n');
  assert.equal(
    (
      await run('forwardingtableclient', [
        '--server',
        router.configuration,
        '--action',
        'remove',
        '--destination',
        'h:1',
      ])
    ).stdout,
    'OK\n',
  );
  assert.equal(
    (await run('forwardingtableclient', ['--server', router.configuration])).stdout,
    'Table#0\nTable#1\n',
  );
  // flush sends FLUSH with lambda * (a bare FLUSH, which an empty message reads as, is refused).
  const again = ['--server', router.configuration, '--action', 'change', '--destination', 'h:2', '--final'];
  assert.equal((await run('forwardingtableclient', again)).stdout, 'OK\n');
  assert.equal(
    (await run('forwardingtableclient', ['--server', router.configuration, '--action', 'flush'])).stdout,
    'OK\n',
  );
  assert.equal(
    (await run('forwardingtableclient', ['--server', router.configuration])).stdout,
    'Table#0\nTable#1\n',
  );
});
