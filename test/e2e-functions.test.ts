/**
 * The js computer end to end (issue 14, section 4): processes of this build (test/support/soe-of-this-build)
 * with the functions/ examples: edgeclient → edgerouter → js computer, → dispatcher → js computer, two
 * computers with the same function and one killed, a function deployed at run time through the management
 * API and reached through a router, and grpc's C core (python3-grpcio) calling a js computer directly.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { lambdaCodecs, RUN_LAMBDA } from '../src/protocol/lambda-wire.js';
import { lambdaRequest } from '../src/protocol/requests.js';
import { BIN_DIR, start, type Running } from './support/processes.js';

const FUNCTIONS = fileURLToPath(new URL('../../functions/', import.meta.url));
/** `soe` of the build this test is compiled into, as processes.ts's start() names an executable. */
const SOE = relative(
  BIN_DIR,
  fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url)),
).replace(/\.js$/, '');
const PYTHON = '/usr/bin/python3';
const PEER = fileURLToPath(new URL('../../test/support/grpc-core-peer.py', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'soe-functions-'));
const running: Running[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

function soe(args: string[]): Running {
  const proc = start(SOE, args);
  running.push(proc);
  return proc;
}

async function soeRun(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return start(SOE, args).exited();
}

async function controller(): Promise<string[]> {
  const proc = soe([
    'controller',
    '--server-endpoint',
    '127.0.0.1:0',
    '--state-file',
    join(dir, `s${running.length}.json`),
  ]);
  return ['--controller-endpoint', (await proc.waitFor(/controller listening on (\S+)/))[1]!];
}

/** A js computer with the functions/ examples (or `args`); waits until it listens (and announced, with a controller). */
async function jsComputer(args: string[] = []): Promise<{ proc: Running; endpoint: string }> {
  const proc = soe([
    'computer',
    ...['--computer-type', 'js', '--server-endpoint', '127.0.0.1:0', '--utilization-endpoint', '127.0.0.1:0'],
    ...(args.includes('--functions') ? [] : ['--functions', FUNCTIONS]),
    ...args,
  ]);
  const endpoint = (await proc.waitFor(/listening on (\S+), utilization stream/))[1]!;
  if (args.includes('--controller-endpoint')) await proc.waitFor(/announced/);
  return { proc, endpoint };
}

async function broker(kind: 'router' | 'dispatcher', args: string[]): Promise<string> {
  const proc = soe([
    kind,
    '--server-endpoint',
    '127.0.0.1:0',
    '--configuration-endpoint',
    '127.0.0.1:0',
    ...args,
  ]);
  const endpoint = (await proc.waitFor(/listening on (\S+), configuration on/))[1]!;
  await proc.waitFor(/announced/);
  return endpoint;
}

/** Runs edgeclient with --show-output; its stdout lines (timing line, output line, ...). */
async function client(endpoint: string, lambda: string, content: string, n = 1): Promise<string[]> {
  const res = await soeRun([
    'client',
    ...['--server-endpoints', endpoint, '--lambda', lambda, '--content', content],
    ...['--max-requests', String(n), '--show-output'],
  ]);
  assert.equal(res.code, 0, res.stderr);
  return res.stdout.trimEnd().split('\n');
}

test('edgeclient → edgerouter → js computer: the primes up to 100 and a JSON transform', async () => {
  const ctl = await controller();
  const computer = await jsComputer(ctl);
  const router = await broker('router', ctl);
  const primes = await client(router, 'primes', '{"n":100}', 2);
  assert.equal(primes.length, 4, primes.join('\n'));
  assert.match(primes[0]!, new RegExp(`^\\S+ \\S+ \\d+ ${computer.endpoint} primes 2$`));
  assert.equal(primes[1], '{"n":100,"count":25,"largest":97}');
  assert.equal(primes[3], primes[1]);
  const transform = await client(
    router,
    'transform',
    '{"items":[{"name":"a","price":2,"qty":3},{"name":"b","price":10,"qty":1}]}',
  );
  assert.equal(transform[1], '{"lines":[{"name":"b","total":10},{"name":"a","total":6}],"total":16}');
  const bad = await client(router, 'echo', 'not json');
  assert.match(bad[0]!, /invalid input: the parameters must be a JSON object: Unexpected token/);
  assert.equal((await computer.proc.stop('SIGINT')).code, 0);
});

test('edgeclient → dispatcher → js computer: an async function awaiting a timer', async () => {
  const ctl = await controller();
  const computer = await jsComputer(ctl);
  const dispatcher = await broker('dispatcher', ctl);
  const lines = await client(dispatcher, 'sleep', '{"ms":20}');
  assert.match(lines[0]!, new RegExp(`^\\S+ \\S+ \\d+ ${computer.endpoint} sleep 2$`));
  const out = JSON.parse(lines[1]!) as { slept: number; activation: string };
  assert.ok(out.slept >= 19, lines[1]);
  assert.match(out.activation, /^[0-9a-f]{32}$/);
});

test('two js computers with the same function, one killed during a run: every request is answered OK', async () => {
  const ctl = await controller();
  const [victim, survivor] = await Promise.all([jsComputer(ctl), jsComputer(ctl)]);
  const router = await broker('router', [
    ...ctl,
    '--optimizer-conf',
    'type=none',
    '--table-conf',
    'type=random',
  ]);
  const run = start(SOE, [
    'client',
    ...['--server-endpoints', router, '--lambda', 'echo', '--content', '{"k":1}'],
    ...['--inter-request-time', '0.02', '--max-requests', '60'],
  ]);
  running.push(run);
  await run.waitFor(/(?:.*\n){10}/); // ten answers: the run is under way
  await victim.proc.stop('SIGKILL');
  const res = await run.exited();
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 60, 'every request got an OK reply');
  assert.ok(
    lines.slice(-10).every((l) => l.includes(` ${survivor.endpoint} `)),
    lines.slice(-10).join('\n'),
  );
});

test('a function deployed at run time through the management API is announced and reached through a router', async () => {
  const ctl = await controller();
  const empty = mkdtempSync(join(dir, 'none-'));
  const computer = await jsComputer([...ctl, '--functions', empty, '--management-endpoint', '127.0.0.1:0']);
  const api = (await computer.proc.waitFor(/management API: (http:\S+)/))[1]!;
  const router = await broker('router', ctl);
  const put = await fetch(`${api}/hello`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      exec: {
        kind: 'nodejs:20',
        code: 'function main({ name = "world" }) { return { greeting: `hello ${name}` }; }',
      },
      limits: { timeout: 5000, memory: 128 },
    }),
  });
  assert.equal(put.status, 200, await put.clone().text());
  assert.equal(((await put.json()) as { name: string }).name, 'hello');
  await computer.proc.waitFor(/announced(?:.|\n)*announced/); // the second announcement, with hello
  let lines: string[] = [];
  for (let i = 0; i < 100; i++) {
    lines = await client(router, 'hello', '{"name":"edge"}');
    if (lines.length === 2) break; // the router may not have its route yet
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(lines[1], '{"greeting":"hello edge"}');
  const del = await fetch(`${api}/hello`, { method: 'DELETE' });
  assert.equal(del.status, 200);
});

const skip =
  spawnSync(PYTHON, ['-c', 'import grpc']).status === 0
    ? false
    : `grpc's C core for Python (python3-grpcio) is not installed for ${PYTHON}`;

test('a grpc C-core client calls a js computer directly', { skip }, async () => {
  const computer = await jsComputer();
  const peer = spawn(PYTHON, [PEER, 'client', computer.endpoint], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
  });
  try {
    const lines = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
    const ask = async (request: Parameters<typeof lambdaRequest>[0]) => {
      peer.stdin.write(
        `CALL ${RUN_LAMBDA} ${lambdaCodecs.request.encode(lambdaRequest(request)).toString('hex')} 30\n`,
      );
      const line = String((await lines.next()).value);
      assert.match(line, /^OK [0-9a-f]*$/);
      return lambdaCodecs.response.decode(Buffer.from(line.slice(3), 'hex'));
    };
    const res = await ask({ name: 'echo', input: '{"from":"the C core"}' });
    assert.equal(res.retcode, 'OK');
    assert.equal(res.output, '{"from":"the C core"}');
    assert.equal(res.hops, 1);
    const dry = await ask({ name: 'echo', input: '{}', dry: true });
    assert.equal(dry.retcode, 'OK');
    assert.equal(dry.output, '');
  } finally {
    peer.kill();
  }
});
