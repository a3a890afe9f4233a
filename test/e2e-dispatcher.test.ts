import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { RpcClient } from '../src/protocol/rpc-client.js';
import { run, start, startComputer, startController, type Running } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-dispatcher-e2e-'));
const running: Running[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

/** The lambda of the test profiles. */
const LAMBDA = 'work';
/**
 * Operations per request: 100 ms on the fast computer, 500 ms on the slow one, so that a measurement made
 * late by a busy machine (by up to 400 ms) still finds the fast one faster, and the round trips' overhead
 * on a busy machine stays small beside the processing time (the concurrent clients load the computers).
 */
const OPS = 1e7;
const FAST_SPEED = 1e8;
const SLOW_SPEED = 2e7;

/** A JSON profile: one single-core processor at `speed` ops/s, one container of LAMBDA with many workers. */
function profile(speed: number): string {
  const path = join(dir, `profile-${speed}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      version: '1.0',
      processors: [{ name: 'cpu', type: 'GenericCpu', speed, memory: 1e9, cores: 1 }],
      containers: [
        {
          name: 'c',
          processor: 'cpu',
          'num-workers': 100,
          lambda: {
            name: LAMBDA,
            requirements: 'proportional',
            'output-type': 'copy-input',
            'op-coeff': 0,
            'op-offset': OPS,
            'mem-coeff': 0,
            'mem-offset': 0,
          },
        },
      ],
    }),
  );
  return `type=file,path=${path}`;
}

/** Starts `edgedispatcher` on free loopback ports; resolves once it listens (and announced, with a controller). */
async function startDispatcher(
  args: string[],
): Promise<{ proc: Running; endpoint: string; configuration: string }> {
  const proc = start('edgedispatcher', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--configuration-endpoint',
    '127.0.0.1:0',
    ...args,
  ]);
  running.push(proc);
  const m = await proc.waitFor(/dispatcher \(\w+\) listening on (\S+), configuration on (\S+)/);
  if (args.some((a) => a.startsWith('--controller'))) await proc.waitFor(/announced/);
  return { proc, endpoint: m[1]!, configuration: m[2]! };
}

/** A fast and a slow computer (computer-side per-request logs on) and a dispatcher in front of both. */
async function deployment(ptimeEstConf: string) {
  const [fast, slow] = await Promise.all(
    [FAST_SPEED, SLOW_SPEED].map((speed) => startComputer(['--conf', profile(speed), '--verbose'])),
  );
  running.push(fast!.proc, slow!.proc);
  const dispatcher = await startDispatcher([
    '--ptimeest-conf',
    ptimeEstConf,
    '--router-conf',
    'max-pending-clients=0,min-forward-time=0,max-forward-time=0',
  ]);
  const config = new RpcClient('uiiit.rpc.EdgeRouter', dispatcher.configuration);
  const configure = async (action: 'CHANGE' | 'REMOVE', destination: string) => {
    const { msg } = await config.call('Configure', {
      action,
      lambda: LAMBDA,
      destination,
      weight: 1,
      final: true,
    });
    assert.equal(msg, 'OK');
  };
  // Warm-up, one computer at a time, then forgotten: the first requests through fresh processes are slowed by
  // JIT compilation, and the estimators (like the original's) never re-measure a destination they stopped
  // choosing, so a cold first sample could lock the fast computer out for the whole test.
  const client = new GrpcLambdaClient(dispatcher.endpoint);
  for (const c of [fast!, slow!]) {
    await configure('CHANGE', c.endpoint);
    assert.deepEqual(await sequential(client, COLD), Array(COLD).fill(c.endpoint));
    await configure('REMOVE', c.endpoint);
  }
  client.close();
  for (const c of [fast!, slow!]) await configure('CHANGE', c.endpoint);
  config.close();
  return { fast: fast!, slow: slow!, dispatcher };
}

/** Requests sent to each computer alone before a test, to warm up the processes. */
const COLD = 5;

/** Sends `count` requests one after the other; returns the responders. */
async function sequential(client: GrpcLambdaClient, count: number): Promise<string[]> {
  const responders: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await client.runLambda({ name: LAMBDA, input: 'x' });
    assert.equal(res.retcode, 'OK');
    responders.push(res.responder);
  }
  return responders;
}

/** `clients` concurrent loops of `each` requests, started 5 ms apart; returns the responders. */
async function concurrent(client: GrpcLambdaClient, clients: number, each: number): Promise<string[]> {
  const all = await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      await new Promise((r) => setTimeout(r, 5 * i));
      return sequential(client, each);
    }),
  );
  return all.flat();
}

/** How many of `responders` are `endpoint`. */
function count(responders: string[], endpoint: string): number {
  return responders.filter((r) => r === endpoint).length;
}

/** The requests a computer logged (with --verbose): how many it executed and how many dry ones it estimated. */
function served(proc: Running): { executed: number; dry: number } {
  const lines = [
    ...proc.stderr().matchAll(new RegExp(`computer\\] (dry )?${LAMBDA} \\(\\d+ B\\) -> OK`, 'g')),
  ];
  const dry = lines.filter((m) => m[1] !== undefined).length;
  return { executed: lines.length - dry, dry };
}

/**
 * Waits until `condition` holds, re-checked whenever one of `procs` logs (the logs come through pipes);
 * the callers' test timeouts are the hang guards.
 */
async function untilLogged(procs: Running[], condition: () => boolean): Promise<void> {
  while (!condition()) await Promise.race(procs.map((p) => once(p.child.stderr!, 'data')));
}

const WARM_UP = 10;
const LOW = 20;
const CLIENTS = 24;
const EACH = 4;

for (const [type, conf] of [
  ['util', 'type=util,rtt-window-size=50,rtt-stale-period=10,util-load-timeout=10,util-window-size=50'],
  ['delay', 'type=delay,util-load-timeout=10,util-window-size=50'],
  ['probe', 'type=probe,max-clients=0'],
] as const) {
  test(`${type}: the faster computer at low load, both at high load`, { timeout: 300_000 }, async (t) => {
    const output = join(dir, `${type}.dat`);
    const { fast, slow, dispatcher } = await deployment(`${conf},output=${output}`);
    const client = new GrpcLambdaClient(dispatcher.endpoint);
    try {
      const warmUp = await sequential(client, WARM_UP);
      const low = await sequential(client, LOW);
      const high = await concurrent(client, CLIENTS, EACH);
      const all = [...warmUp, ...low, ...high];
      t.diagnostic(
        `to the fast one: ${count(low, fast.endpoint)}/${LOW} at low load, ` +
          `${count(high, fast.endpoint)}/${high.length} at high load`,
      );
      assert.ok(
        count(low, fast.endpoint) >= 0.8 * LOW,
        `low load: ${count(low, fast.endpoint)}/${LOW} to the fast one`,
      );
      const toSlow = count(high, slow.endpoint);
      assert.equal(count(high, fast.endpoint) + toSlow, high.length);
      assert.ok(toSlow >= 0.05 * high.length, `high load: ${toSlow}/${high.length} to the slow one`);
      assert.equal(
        readFileSync(output, 'utf8').trimEnd().split('\n').length,
        all.length + 2 * COLD,
        'one output line per request',
      );
      // Each computer executed exactly the requests it answered; dry probes (probe only) were never executed.
      const expected = [count(all, fast.endpoint) + COLD, count(all, slow.endpoint) + COLD];
      await untilLogged([fast.proc, slow.proc], () => {
        const [f, s] = [served(fast.proc), served(slow.proc)];
        const probes = type !== 'probe' || (f.dry >= all.length && s.dry >= all.length);
        return f.executed + s.executed >= all.length + 2 * COLD && probes;
      });
      const [f, s] = [served(fast.proc), served(slow.proc)];
      assert.deepEqual([f.executed, s.executed], expected, 'requests executed by the fast and slow computer');
      if (type === 'probe')
        assert.ok(f.dry >= all.length && s.dry >= all.length, `dry probes: ${f.dry}, ${s.dry}`);
      else assert.deepEqual([f.dry, s.dry], [0, 0]);
    } finally {
      client.close();
      await Promise.all([fast.proc.stop(), slow.proc.stop(), dispatcher.proc.stop()]);
    }
  });
}

test('rtt: looks at the network only, so it is only checked to work', { timeout: 300_000 }, async () => {
  const { fast, slow, dispatcher } = await deployment('type=rtt,window-size=50,stale-period=10');
  const client = new GrpcLambdaClient(dispatcher.endpoint);
  try {
    const all = [...(await sequential(client, WARM_UP)), ...(await concurrent(client, 8, 4))];
    assert.equal(count(all, fast.endpoint) + count(all, slow.endpoint), all.length);
    await untilLogged(
      [fast.proc, slow.proc],
      () => served(fast.proc).executed + served(slow.proc).executed >= all.length + 2 * COLD,
    );
    assert.deepEqual(
      [served(fast.proc), served(slow.proc)],
      [
        { executed: count(all, fast.endpoint) + COLD, dry: 0 },
        { executed: count(all, slow.endpoint) + COLD, dry: 0 },
      ],
    );
  } finally {
    client.close();
    await Promise.all([fast.proc.stop(), slow.proc.stop(), dispatcher.proc.stop()]);
  }
});

test('announced to a controller, programmed by it, dumped by forwardingtableclient, used by edgeclient', async () => {
  const controller = await startController(join(dir, 'state.json'));
  running.push(controller.proc);
  const ctl = ['--controller-endpoint', controller.endpoint];
  const computers = await Promise.all([startComputer(ctl), startComputer(ctl)]);
  running.push(...computers.map((c) => c.proc));
  await Promise.all(computers.map((c) => c.proc.waitFor(/announced/)));
  const dispatcher = await startDispatcher([
    ...ctl,
    '--ptimeest-conf',
    'type=probe,max-clients=2,output=' + join(dir, 'p.dat'),
  ]);
  const endpoints = computers.map((c) => c.endpoint).sort();
  const expected =
    'Table#0\n' +
    ['clambda0', 'glambda0']
      .map((l) => endpoints.map((e, i) => `${i === 0 ? l : ' '.repeat(l.length)} [1] ${e} (F)\n`).join(''))
      .join('');
  let dump = '';
  for (let i = 0; i < 100 && dump !== expected; i++) {
    dump = (await run('forwardingtableclient', ['--server-endpoint', dispatcher.configuration])).stdout;
    if (dump !== expected) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(dump, expected);
  const client = await run('edgeclient', ['--server', dispatcher.endpoint, '--max-requests', '5']);
  assert.equal(client.code, 0, client.stderr);
  const lines = client.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5);
  for (const l of lines) assert.match(l, new RegExp(`^\\S+ \\S+ \\d+ (${endpoints.join('|')}) clambda0 2$`));
});

test('bad estimator confs are refused with the spec errors; --help shows the default', async () => {
  const args = [
    '--server-endpoint',
    '127.0.0.1:0',
    '--configuration-endpoint',
    '127.0.0.1:0',
    '--ptimeest-conf',
  ];
  const unknown = await run('edgedispatcher', [...args, 'type=foo']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Exception caught: Invalid processing time estimator type: foo\n/);
  const missing = await run('edgedispatcher', [...args, 'type=util']);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /Exception caught: Invalid configuration for type 'util', use something like: type=util,rtt-window-size=50,rtt-stale-period=10,util-load-timeout=10,util-window-size=50,output=out\.dat\n/,
  );
  const help = await run('edgedispatcher', ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--ptimeest-conf.*type=rtt,window-size=50,stale-period=10/);
  assert.doesNotMatch(help.stdout, /--table-conf|--optimizer-conf/);
});
