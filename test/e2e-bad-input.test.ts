import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { RpcClient } from '../src/protocol/rpc-client.js';
import { RpcServer } from '../src/protocol/rpc-server.js';
import { freeEndpoint } from './support/ports.js';
import { run, start, startComputer, type Running } from './support/processes.js';

let computer: { proc: Running; endpoint: string; utilization: string };
const dir = mkdtempSync(join(tmpdir(), 'soe-bad-input-'));

before(async () => {
  computer = await startComputer();
});
after(async () => {
  await computer.proc.stop('SIGKILL');
});

/** Asserts that the computer still serves a correct request. */
async function assertAlive(): Promise<void> {
  const client = new RpcClient('uiiit.rpc.EdgeServer', computer.endpoint);
  try {
    const res = await client.call('RunLambda', { name: 'clambda0', input: 'hello' }, { timeoutMs: 5000 });
    assert.equal(res.retcode, 'OK');
    assert.equal(res.output, 'hello');
  } finally {
    client.close();
  }
}

test('an unknown lambda gets the spec error and no output line', async () => {
  const r = await run('edgeclient', [
    '--lambda',
    'nope',
    '--server',
    computer.endpoint,
    '--max-requests',
    '1',
  ]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    new RegExp(
      `request to nope failed: No container for lambda nope found in computer computer@${computer.endpoint}\n`,
    ),
  );
});

test('a request needing more memory than the processor has is refused with the spec error', async () => {
  // 100 B of memory per input byte on a processor of 1000 B: a 100-byte input needs 10000 B.
  const path = join(dir, 'small.json');
  const profile = {
    version: '1.0',
    processors: [{ name: 'tiny', type: 'GenericCpu', speed: 1e9, cores: 1, memory: 1000 }],
    containers: [
      {
        name: 'c0',
        processor: 'tiny',
        'num-workers': 1,
        lambda: {
          name: 'f',
          requirements: 'proportional',
          'output-type': 'copy-input',
          'op-coeff': 1,
          'op-offset': 0,
          'mem-coeff': 100,
          'mem-offset': 0,
        },
      },
    ],
  };
  writeFileSync(path, JSON.stringify(profile));
  const small = await startComputer(['--conf', `type=file,path=${path}`]);
  const r = await run('edgeclient', [
    '--server-endpoints',
    small.endpoint,
    '--lambda',
    'f',
    '--max-requests',
    '1',
  ]);
  const ok = await run('edgeclient', [
    '--server-endpoints',
    small.endpoint,
    '--lambda',
    'f',
    '--content',
    'hi',
    '--max-requests',
    '1',
  ]);
  await small.proc.stop();
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /request to f failed: Container c0 cannot handle request f since the memory requirements exceed the total available in the processor: 1000 <= 10000\n/,
  );
  assert.match(ok.stdout, /^\S+ \S+ \d+  f 1\n$/);
});

test('malformed requests never crash the computer', async () => {
  const client = new RpcClient('uiiit.rpc.EdgeServer', computer.endpoint);
  const cases: [Record<string, unknown>, string][] = [
    [
      { name: 'clambda0', chain: ['a'], dag: { names: ['a'], successors: [] } },
      'Cannot specify both a function chain and a DAG in the request',
    ],
    [
      { name: 'clambda0', chain: ['a', 'b'] },
      'Cannot handle multiple functions without a callback in the request',
    ],
    [
      { name: 'clambda0', chain: ['clambda0'], nextFunctionIndex: 3 },
      'Out-of-range function execution requested in a chain',
    ],
    [{ name: 'clambda0', callback: '127.0.0.1:1' }, 'Cannot handle an asynchronous function invocation'],
    [{ name: '' }, `No container for lambda  found in computer computer@${computer.endpoint}`],
    [
      { name: 'clambda0', states: { s: { name: 's', location: '127.0.0.1:1' } } },
      'cannot handle remote states without a state server',
    ],
  ];
  try {
    for (const [request, retcode] of cases) {
      const res = await client.call('RunLambda', request, { timeoutMs: 5000 });
      assert.equal(res.retcode, retcode);
      assert.equal(res.hops, 1);
    }
  } finally {
    client.close();
  }
  // Bytes that are not a LambdaRequest at all get a gRPC error status.
  const raw = new grpc.Client(computer.endpoint, grpc.credentials.createInsecure());
  const status = await new Promise<grpc.ServiceError | null>((resolve) => {
    raw.makeUnaryRequest(
      '/uiiit.rpc.EdgeServer/RunLambda',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from([0xff, 0xff]),
      (err) => resolve(err),
    );
  });
  raw.close();
  assert.ok(status !== null);
  assert.equal(status.code, grpc.status.INTERNAL);
  await assertAlive();
});

test('malformed conf strings are fatal with the spec error', async () => {
  const c = await run('edgecomputer', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--utilization-endpoint',
    '',
    '--conf',
    'type=raspberry,num-cpu-containers',
  ]);
  assert.equal(c.code, 1);
  assert.match(c.stderr, /Exception caught: Invalid configuration: type=raspberry,num-cpu-containers\n/);
  const k = await run('edgeclient', ['--server-endpoints', computer.endpoint, '--client-conf', 'type']);
  assert.equal(k.code, 1);
  assert.match(k.stderr, /Exception caught: Invalid configuration: type\n/);
  const p = await run('edgeclient', [
    '--server-endpoints',
    `${computer.endpoint},127.0.0.1:1`,
    '--client-conf',
    'type=grpc,persistence=2',
  ]);
  assert.equal(p.code, 1);
  assert.match(
    p.stderr,
    /Exception caught: Invalid configuration: persistence probability \(2\) cannot be < 0 or > 1\n/,
  );
  const t = await run('edgecomputer', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--utilization-endpoint',
    '',
    '--conf',
    'type=cloud',
  ]);
  assert.equal(t.code, 1);
  assert.match(
    t.stderr,
    /Exception caught: Invalid type: cloud, possible values: file, intel-server, raspberry\n/,
  );
});

test("Object.prototype's keys are unknown computer types, not empty computers", async () => {
  for (const name of ['toString', 'constructor', '__proto__']) {
    const proc = start('edgecomputer', [
      '--server-endpoint',
      '127.0.0.1:0',
      '--utilization-endpoint',
      '',
      '--conf',
      `type=${name}`,
    ]);
    // Whichever comes first: the exit, or a computer listening (which is then stopped and reported).
    const listening = new Promise<'listening'>((resolve) => {
      const check = (): void => {
        if (/listening on /.test(proc.stderr() + proc.stdout())) resolve('listening');
      };
      proc.child.stdout?.on('data', check);
      proc.child.stderr?.on('data', check);
    });
    const outcome = await Promise.race([proc.exited(), listening]);
    if (outcome === 'listening') {
      await proc.stop('SIGKILL');
      assert.fail(`a computer of type ${name} started:\n${proc.stderr()}`);
    }
    assert.equal(outcome.code, 1, name);
    assert.ok(
      outcome.stderr.includes(
        `Exception caught: Invalid type: ${name}, possible values: file, intel-server, raspberry\n`,
      ),
      outcome.stderr,
    );
  }
});

test('bad JSON profiles are fatal with an error naming the problem', async () => {
  const cases: [string, RegExp][] = [
    ['{ "version": "1.0", ', /Invalid JSON in configuration file .*bad0\.json: /],
    ['{ "version": "2.0", "processors": [], "containers": [] }', /Invalid version found: 2\.0\n/],
    [
      '{ "version": "1.0", "processors": [{ "name": "arm", "type": "GenericCpu", "speed": 1, "memory": 1 }], "containers": [] }',
      /Missing key: cores\n/,
    ],
  ];
  for (const [i, [text, error]] of cases.entries()) {
    const path = join(dir, `bad${i}.json`);
    writeFileSync(path, text);
    const r = await run('edgecomputer', [
      '--server-endpoint',
      '127.0.0.1:0',
      '--utilization-endpoint',
      '',
      '--conf',
      `type=file,path=${path}`,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, error);
  }
  const missing = await run('edgecomputer', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--conf',
    `type=file,path=${dir}/none.json`,
  ]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    new RegExp(`Exception caught: Could not open configuration file: ${dir}/none.json\n`),
  );
});

test('the --json-example profile runs as a file profile', async () => {
  const example = await run('edgecomputer', ['--json-example']);
  assert.equal(example.code, 0);
  const path = join(dir, 'example.json');
  writeFileSync(path, example.stdout.replace('clambda@1', 'f1'));
  const c = await startComputer(['--conf', `type=file,path=${path}`]);
  const r = await run('edgeclient', [
    '--server-endpoints',
    c.endpoint,
    '--lambda',
    'f1',
    '--max-requests',
    '1',
  ]);
  await c.proc.stop();
  assert.match(r.stdout, /^\S+ \S+ \d+  f1 1\n$/);
});

test('a port in use is fatal with `Could not bind to` and the reason, for the gRPC and HTTP servers', async () => {
  const holder = await RpcServer.start('127.0.0.1:0', []);
  const r = await run('edgecomputer', ['--server-endpoint', holder.endpoint, '--utilization-endpoint', '']);
  const t = await run('soe', ['timeseries', 'serve', '--listen', holder.endpoint, '--data-dir', dir]);
  await holder.stop();
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(`\\] Exception caught: Could not bind to: ${holder.endpoint}: address already in use\n`),
  );
  assert.equal(t.code, 1);
  assert.match(
    t.stderr,
    new RegExp(
      `^E\\d{4} [^\\]]+ timeseries\\] Exception caught: Could not bind to: ${holder.endpoint}: address already in use\n$`,
    ),
  );
});

test('a server that cannot be reached: forwarding-table and computer-util say where and why', async () => {
  const nobody = await freeEndpoint();
  for (const [command, name] of [
    ['forwardingtableclient', 'forwarding-table'],
    ['edgecomputerclient', 'computer-util'],
  ] as const) {
    const r = await run(command, ['--server-endpoint', nobody]);
    assert.equal(r.code, 1, command);
    assert.equal(r.stdout, '', command);
    assert.match(
      r.stderr,
      new RegExp(
        `^E\\d{4} [^\\]]+ ${name}\\] Exception caught: cannot connect to ${nobody}: connection refused\n$`,
      ),
      command,
    );
  }
});

test('command lines: prefixes, ambiguity, help and version', async () => {
  const ambiguous = await run('edgecomputer', ['--server', '127.0.0.1:0']);
  assert.equal(ambiguous.code, 1);
  assert.match(
    ambiguous.stderr,
    /option '--server' is ambiguous and matches '--server-conf', and '--server-endpoint'/,
  );
  const unknown = await run('edgeclient', ['--bogus', '1']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unrecognised option '--bogus'/);
  const help = await run('edgeclient', ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: edgeclient \[options\]\n/);
  assert.match(
    help.stdout,
    / --server-endpoints arg \(=localhost:6473\) +comma-separated edge server end-points\n/,
  );
  const version = await run('soe', ['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^soe \(serverless-on-edge\) \d+\.\d+\.\d+\n$/);
  const badNumber = await run('edgeclient', ['--max-requests', 'many']);
  assert.equal(badNumber.code, 1);
  assert.match(badNumber.stderr, /the argument \('many'\) for option '--max-requests' is invalid/);
});
