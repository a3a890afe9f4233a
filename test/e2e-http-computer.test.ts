import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FakeFaas } from '../src/platform/http/fake-faas.test-support.js';
import { run, startComputer, startController, startRouter, type Running } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-http-computer-'));
const running: Running[] = [];
const gateways: FakeFaas[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await Promise.all(gateways.map((g) => g.stop()));
});

test('edgeclient --show-output → edgecomputer --computer-type http → OpenFaaS gateway: abc → abcabc', async () => {
  const gateway = await FakeFaas.start((req) =>
    req.url === '/function/fails' ? { status: 500, body: 'no' } : { status: 200, body: req.body + req.body },
  );
  gateways.push(gateway);
  const computer = await startComputer([
    ...['--computer-type', 'http', '--http-conf', `gateway-url=${gateway.url},num-clients=2`],
  ]);
  running.push(computer.proc);
  const client = await run('edgeclient', [
    ...['--server-endpoints', computer.endpoint, '--lambda', 'lambda1', '--content', 'abc'],
    ...['--max-requests', '2', '--show-output'],
  ]);
  assert.equal(client.code, 0, client.stderr);
  const lines = client.stdout.split('\n');
  assert.equal(lines.length, 5, client.stdout);
  for (const i of [0, 2]) assert.match(lines[i]!, /^\S+ \S+ 0  lambda1 1$/);
  assert.deepEqual([lines[1], lines[3], lines[4]], ['abcabc', 'abcabc', '']);
  assert.deepEqual(
    gateway.requests.map((r) => [r.method, r.url, r.contentType, r.body]),
    Array(2).fill(['POST', '/function/lambda1', 'text/plain; charset=utf-8', 'abc']),
  );

  const failed = await run('edgeclient', [
    ...['--server-endpoints', computer.endpoint, '--lambda', 'fails', '--content', 'abc'],
    ...['--max-requests', '1', '--show-output'],
  ]);
  assert.equal(failed.code, 0, failed.stderr);
  assert.equal(failed.stdout, 'invalid response to fails: error HTTP response received (500)\n');
  assert.equal((await computer.proc.stop('SIGINT')).code, 0);
});

test('a generic http computer announces its functions file: client → router → computer → function', async () => {
  const fn = await FakeFaas.start((req) => ({
    status: 200,
    body: JSON.stringify({
      sum: (JSON.parse(req.body) as { a: number; b: number[] }).b.reduce((x, y) => x + y, 0),
    }),
  }));
  gateways.push(fn);
  const functions = join(dir, 'functions.json');
  writeFileSync(functions, JSON.stringify({ sum: `${fn.url}sum` }));
  const controller = await startController(join(dir, 'state.json'));
  running.push(controller.proc);
  const ctl = ['--controller-endpoint', controller.endpoint];
  const computer = await startComputer([
    ...ctl,
    ...['--computer-type', 'http', '--http-conf', `type=generic,functions=${functions}`],
  ]);
  running.push(computer.proc);
  await computer.proc.waitFor(/announced/);
  const router = await startRouter(ctl);
  running.push(router.proc);
  const client = await run('edgeclient', [
    ...['--server-endpoints', router.endpoint, '--lambda', 'sum', '--content', '{"a":0,"b":[1,2,3]}'],
    ...['--max-requests', '1', '--show-output'],
  ]);
  assert.equal(client.code, 0, client.stderr);
  const lines = client.stdout.split('\n');
  assert.equal(lines.length, 3, client.stdout);
  assert.match(lines[0]!, new RegExp(`^\\S+ \\S+ 0 ${computer.endpoint.replaceAll('.', '\\.')} sum 2$`));
  assert.deepEqual(lines.slice(1), ['{"sum":6}', '']);
  assert.equal(fn.requests[0]!.contentType, 'application/json');
});
