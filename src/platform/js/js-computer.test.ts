import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { lambdaRequest } from '../../protocol/requests.js';
import { functionSpec } from './function-spec.js';
import { parseJsConf } from './js-conf.js';
import { JsComputer } from './js-computer.js';

const scratch = mkdtempSync(join(tmpdir(), 'soe-js-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function request(name: string, input: string, dry = false): LambdaRequest {
  return lambdaRequest({ name, input, dry });
}

/** Waits until `condition` holds, re-checked every 20 ms; fails after 30 s (a hang guard). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const t0 = performance.now();
  while (!condition()) {
    if (performance.now() - t0 > 30_000) assert.fail(`still not ${what} after 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The functions the tests deploy, by name. */
const CODE: Record<string, string> = {
  echo: 'function main(params) { return params; }',
  esm: "import { createHash } from 'node:crypto';\nexport function main({ s = '' }) { return { sha1: createHash('sha1').update(s).digest('hex') }; }",
  esmDefault: 'export default async (p) => ({ doubled: p.x * 2 });',
  cjs: 'exports.main = (p) => ({ greeting: `hello ${p.name}` });',
  moduleExports: 'module.exports = function (p) { return { keys: Object.keys(p) }; };',
  env: 'function main() { return { env: process.env }; }',
  sleep: 'async function main({ ms }) { await new Promise((r) => setTimeout(r, ms)); return { slept: ms }; }',
  number: 'function main() { return 42; }',
  nothing: 'function main() {}',
  throws: "function main() { throw new Error('boom'); }",
  rejects: "async function main() { throw new Error('nope'); }",
  throwsHuge: "function main() { throw 'x'.repeat(1e6); }",
  rejectsHuge: "async function main() { throw 'x'.repeat(5000); }",
  errorResult: "function main() { return { error: 'bad items' }; }",
  loop: 'function main() { for (;;) {} }',
  memory: 'function main() { const a = []; for (;;) a.push(new Array(1e5).fill(Math.random())); }',
  buffers: 'function main() { const a = []; for (;;) a.push(Buffer.alloc(16 * 1024 * 1024, 1)); }',
  exits: 'function main() { process.exit(3); }',
  huge: "function main() { return { s: 'x'.repeat(5000) }; }",
  syntax: 'function main( { return {}; }',
  noMain: 'function other() { return {}; }',
  sandbox: `const fs = require('node:fs');
function attempt(f) { try { f(); return 'allowed'; } catch (e) { return e.code; } }
function main() {
  return {
    spawn: attempt(() => require('node:child_process').execSync('true')),
    writeTmp: attempt(() => fs.writeFileSync('/tmp/soe-js-escape.txt', 'x')),
    readEtc: attempt(() => fs.readFileSync('/etc/hostname')),
    writeScratch: attempt(() => fs.writeFileSync('scratch.txt', 'x')),
    readScratch: attempt(() => fs.readFileSync('scratch.txt')),
    worker: attempt(() => new (require('node:worker_threads').Worker)('1', { eval: true })),
    ipc: typeof process.send,
  };
}`,
};

describe('JsComputer', () => {
  let computer: JsComputer;
  const conf = parseJsConf('timeout=20000,memory=128,containers=2,output-limit=1000,idle=600000');

  const call = (name: string, input = '{}'): Promise<LambdaResponse> =>
    computer.process(request(name, input));
  const ok = async (name: string, input = '{}'): Promise<unknown> => {
    const res = await call(name, input);
    assert.equal(res.retcode, 'OK', `${name}: ${res.retcode}`);
    return JSON.parse(res.output);
  };

  before(() => {
    const limits: Record<string, unknown> = {
      loop: { limits: { timeout: 500 } },
      memory: { limits: { memory: 64 } },
      buffers: { limits: { memory: 96 } },
      sleep: { containers: 2 },
      echo: { parameters: [{ key: 'bound', value: 'yes' }] },
    };
    computer = new JsComputer(
      'computer@test',
      conf,
      Object.entries(CODE).map(([name, code]) => functionSpec(name, code, limits[name], conf, name)),
      0,
    );
  });
  after(() => computer.stop());

  test('runs OpenWhisk actions of every shape: script, ES module, default export, exports.main, module.exports', async () => {
    assert.deepEqual(await ok('echo', '{"a":1,"bound":"no"}'), { a: 1, bound: 'no' });
    assert.deepEqual(await ok('echo', '{"a":1}'), { a: 1, bound: 'yes' });
    assert.deepEqual(await ok('echo', ''), { bound: 'yes' });
    assert.deepEqual(await ok('esm', '{"s":"abc"}'), { sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d' });
    assert.deepEqual(await ok('esmDefault', '{"x":21}'), { doubled: 42 });
    assert.deepEqual(await ok('cjs', '{"name":"edge"}'), { greeting: 'hello edge' });
    assert.deepEqual(await ok('moduleExports', '{"p":1,"q":2}'), { keys: ['p', 'q'] });
    assert.deepEqual(await ok('nothing'), {});
  });

  test('a call answers one more hop, the real ptime and loads; the states come back', async () => {
    const req = request('sleep', '{"ms":50}');
    req.hops = 3;
    req.states = { s: { name: 's', location: '', content: Buffer.from('x') } };
    const t0 = performance.now();
    const res = await computer.process(req);
    const latency = performance.now() - t0;
    assert.equal(res.retcode, 'OK');
    assert.equal(res.hops, 4);
    assert.ok(res.ptime >= 50 && res.ptime <= latency + 1, `ptime ${res.ptime}, latency ${latency}`);
    assert.deepEqual(res.states, req.states);
  });

  test('the environment holds only the activation’s __OW_ values, new for each activation', async () => {
    const first = (await ok('env')) as { env: Record<string, string> };
    const second = (await ok('env')) as { env: Record<string, string> };
    assert.deepEqual(Object.keys(first.env).sort(), [
      '__OW_ACTION_NAME',
      '__OW_ACTIVATION_ID',
      '__OW_DEADLINE',
      '__OW_NAMESPACE',
    ]);
    assert.equal(first.env.__OW_ACTION_NAME, '/guest/env');
    assert.equal(first.env.__OW_NAMESPACE, 'guest');
    assert.match(first.env.__OW_ACTIVATION_ID!, /^[0-9a-f]{32}$/);
    assert.notEqual(first.env.__OW_ACTIVATION_ID, second.env.__OW_ACTIVATION_ID);
    const deadline = Number(first.env.__OW_DEADLINE);
    assert.ok(deadline > Date.now() && deadline <= Date.now() + 20_000, `deadline ${deadline}`);
  });

  test('the permission model: no child process, no worker, no file outside the scratch folder, no IPC', async () => {
    assert.deepEqual(await ok('sandbox'), {
      spawn: 'ERR_ACCESS_DENIED',
      writeTmp: 'ERR_ACCESS_DENIED',
      readEtc: 'ERR_ACCESS_DENIED',
      writeScratch: 'allowed',
      readScratch: 'allowed',
      worker: 'ERR_ACCESS_DENIED',
      ipc: 'undefined',
    });
  });

  test('bad input and bad results get the retcodes OpenWhisk gives them', async () => {
    const cases: [string, string, string][] = [
      [
        'echo',
        'AAAA',
        `invalid input: the parameters must be a JSON object: Unexpected token 'A', "AAAA" is not valid JSON`,
      ],
      ['echo', '[1,2]', 'invalid input: the parameters must be a JSON object, not an array'],
      ['echo', '7', 'invalid input: the parameters must be a JSON object, not 7'],
      ['number', '{}', 'developer error: The action did not return a dictionary.'],
      ['throws', '{}', 'developer error: An error has occurred: Error: boom'],
      ['rejects', '{}', 'application error: nope'],
      ['throwsHuge', '{}', `developer error: An error has occurred: ${'x'.repeat(1977)}...`],
      [
        'rejectsHuge',
        '{}',
        'developer error: The action produced a response that exceeded the allowed length: 5012 > 1000 bytes.',
      ],
      ['errorResult', '{}', 'application error: bad items'],
      [
        'syntax',
        '{}',
        "developer error: Initialization has failed due to: SyntaxError: Unexpected token '{'",
      ],
      [
        'noMain',
        '{}',
        "developer error: Initialization has failed due to: Action entrypoint 'main' is not a function.",
      ],
    ];
    for (const [name, input, retcode] of cases) {
      const res = await call(name, input);
      assert.equal(res.retcode, retcode, name);
      assert.equal(res.hops, 1);
    }
    const rejected = await call('rejects');
    assert.equal((JSON.parse(rejected.output) as { error: { message: string } }).error.message, 'nope');
  });

  test('hostile functions: each killed and replaced with a clear retcode while the others keep running', async () => {
    const loop = call('loop');
    // The loop holds its container; echo is served meanwhile.
    assert.deepEqual(await ok('echo', '{"during":"loop"}'), { during: 'loop', bound: 'yes' });
    const cases: [Promise<LambdaResponse>, string][] = [
      [loop, 'developer error: The action exceeded its time limits of 500 milliseconds.'],
      [call('memory'), 'developer error: The action exhausted its memory and was aborted.'],
      [call('buffers'), 'developer error: The action exhausted its memory and was aborted.'],
      [
        call('exits'),
        'developer error: The action did not produce a valid response and exited unexpectedly (exit code 3).',
      ],
      [
        call('huge'),
        'developer error: The action produced a response that exceeded the allowed length: 5008 > 1000 bytes.',
      ],
    ];
    for (const [res, retcode] of cases) assert.equal((await res).retcode, retcode);
    for (const name of ['loop', 'memory', 'buffers', 'exits'])
      assert.equal(computer.status(name)!.failures, 1, name);
    // The second time is the same: a new container each time, and the computer still serves.
    assert.equal((await call('exits')).retcode, cases[3]![1]);
    assert.deepEqual(await ok('echo', '{"after":"all"}'), { after: 'all', bound: 'yes' });
  });

  test('at most `containers` activations at once; cold then warm starts are counted', async () => {
    const before = computer.status('sleep')!;
    const results = await Promise.all([1, 2, 3, 4].map(() => call('sleep', '{"ms":200}')));
    for (const r of results) assert.equal(r.retcode, 'OK');
    const after = computer.status('sleep')!;
    assert.equal(after.containers, 2);
    assert.equal(after.cold + after.warm - before.cold - before.warm, 4);
    assert.equal(after.cold, 2);
  });

  test('a dry run answers an estimate from the measured activations and runs nothing', async () => {
    const before = computer.status('sleep')!;
    const res = await computer.process(request('sleep', '{"ms":200}', true));
    assert.equal(res.retcode, 'OK');
    assert.equal(res.output, '');
    assert.ok(res.ptime >= 200, `estimate ${res.ptime}`);
    const after = computer.status('sleep')!;
    assert.equal(after.cold + after.warm, before.cold + before.warm);
  });

  test('functions are replaced and removed at run time, and the containers announced follow', async () => {
    const changes: number[] = [];
    const unsubscribe = computer.onContainersChanged(() => changes.push(computer.containers().length));
    const n = computer.containers().length;
    computer.deploy(functionSpec('versioned', 'function main() { return { v: 1 }; }', undefined, conf, 'v1'));
    assert.deepEqual(await ok('versioned'), { v: 1 });
    computer.deploy(functionSpec('versioned', 'function main() { return { v: 2 }; }', undefined, conf, 'v2'));
    assert.deepEqual(await ok('versioned'), { v: 2 });
    assert.equal(computer.remove('versioned'), true);
    assert.equal(computer.remove('versioned'), false);
    assert.equal(
      (await call('versioned')).retcode,
      'No container for lambda versioned found in computer computer@test',
    );
    unsubscribe();
    assert.deepEqual(changes, [n + 1, n + 1, n]);
    assert.deepEqual(
      computer.containers().find((c) => c.lambda === 'sleep'),
      {
        name: 'js-sleep',
        processor: 'node',
        lambda: 'sleep',
        numWorkers: 2,
      },
    );
  });
});

describe('JsComputer idle containers', () => {
  test('are reclaimed after `idle` ms', async () => {
    const conf = parseJsConf('idle=200,prewarm=0');
    const computer = new JsComputer(
      'computer@idle',
      conf,
      [functionSpec('echo', CODE.echo!, undefined, conf, 'echo')],
      0,
    );
    try {
      const res = await computer.process(request('echo', '{}'));
      assert.equal(res.retcode, 'OK');
      assert.equal(computer.status('echo')!.containers, 1);
      await until(() => computer.status('echo')!.containers === 0, 'reclaimed');
      assert.equal((await computer.process(request('echo', '{}'))).retcode, 'OK');
      assert.equal(computer.status('echo')!.cold, 2);
    } finally {
      await computer.stop();
    }
  });
});
