import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startComputerServer, type ComputerServer } from '../platform/computer-server.js';
import { Saver } from '../support/saver.js';
import { clientSchedule, expectedRequests, runIppClient, type IppClientOptions } from './ipp-client.js';

let computer: ComputerServer;
const dir = mkdtempSync(join(tmpdir(), 'soe-ipp-'));

before(async () => {
  computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
  });
});
after(() => computer.stop());

function options(overrides: Partial<IppClientOptions>): IppClientOptions {
  return {
    type: 'poisson',
    endpoints: [computer.endpoint],
    clientConf: 'type=grpc',
    lambda: 'clambda0',
    sizes: [],
    minSize: 100,
    maxSize: 100,
    content: '',
    duration: 0,
    maxRequests: Number.MAX_SAFE_INTEGER,
    numClients: 1,
    onMean: 1,
    offMean: 1,
    periodMean: 5,
    burstSizeMean: 5,
    minSleep: 0,
    maxSleep: 0.1,
    seed: 0,
    saver: new Saver(''),
    ...overrides,
  };
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

test('an IPP run sends what its seeded schedule holds, prints edgeclient lines and reports its loss', async () => {
  const file = join(dir, 'ipp.txt');
  const o = options({
    type: 'ipp',
    onMean: 0.3,
    offMean: 0.2,
    minSleep: 0.02,
    maxSleep: 0.04,
    duration: 1.5,
    numClients: 2,
    seed: 3,
    saver: new Saver(file, { flush: false }),
  });
  const report = await runIppClient(o);
  o.saver.close();
  assert.deepEqual(report.errors, []);
  const expected = expectedRequests(o);
  assert.equal(report.expected, expected);
  assert.ok(expected > 10, `expected ${expected}`);
  const ok = report.clients.reduce((s, c) => s + c.ok, 0);
  const sent = report.clients.reduce((s, c) => s + c.sent, 0);
  assert.equal(ok, sent, 'the local computer answers every request');
  assert.equal(lines(file).length, ok);
  for (const l of lines(file)) assert.match(l, /^\S+ \S+ \d+  clambda0 1$/);
  // Late clients drop ON requests (many on a busy machine): something is sent, never more than scheduled
  // (but one per client if the end's timer runs late).
  assert.ok(sent > 0 && sent <= expected + o.numClients, `sent ${sent} of ${expected}`);
  const loss = Math.max(0, 1 - ok / expected);
  assert.equal(report.loss, loss);
});

test('a Poisson run follows its schedule: some requests, never more than scheduled', async () => {
  const o = options({ periodMean: 0.2, burstSizeMean: 3, maxSleep: 0.01, duration: 1, seed: 9 });
  const expected = expectedRequests(o);
  // A busy machine delays the bursts, and those pushed past the end are not sent (see
  // poisson-client-schedule.test.ts for the schedule itself); one more if the end's timer runs late.
  assert.ok(expected > 5, `scheduled ${expected}`);
  const sent = (await runIppClient(o)).clients[0]!.sent;
  assert.ok(sent > 0 && sent <= expected + 1, `sent ${sent}, scheduled ${expected}`);
});

test('max-requests stops each client; sizes come from --sizes when given', async () => {
  const report = await runIppClient(
    options({ type: 'ipp', numClients: 3, maxRequests: 4, sizes: [50, 60], offMean: 0.01, maxSleep: 0.01 }),
  );
  assert.deepEqual(
    report.clients.map((c) => c.sent),
    [4, 4, 4],
  );
  assert.equal(report.loss, undefined);
});

test('schedules depend only on the seed and the client index', () => {
  const take = (seed: number, index: number): unknown =>
    clientSchedule(options({ type: 'ipp', seed }), index).next().value;
  assert.deepEqual(take(1, 0), take(1, 0));
  assert.notDeepEqual(take(1, 0), take(1, 1));
  assert.notDeepEqual(take(1, 0), take(2, 0));
});

test('invalid options are refused', async () => {
  await assert.rejects(runIppClient(options({ type: 'bursty' })), {
    message: 'Invalid client type bursty, choose one of: ipppoisson',
  });
  await assert.rejects(runIppClient(options({ minSize: 10, maxSize: 5 })), {
    message: 'Invalid min/max sizes: 10/5',
  });
  await assert.rejects(runIppClient(options({ numClients: 0 })), { message: 'Invalid number of clients: 0' });
  await assert.rejects(runIppClient(options({ type: 'ipp', maxSleep: 0 })), {
    message: 'Invalid min/max sleep times: 0/0',
  });
});

test('a transport failure stops the client and is reported', async () => {
  const report = await runIppClient(
    options({ endpoints: ['127.0.0.1:1'], periodMean: 0.01, maxRequests: 3 }),
  );
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0]!, /^RPC failed: /);
});
