import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startComputerServer, type ComputerServer } from '../platform/computer-server.js';
import { Saver } from '../support/saver.js';
import { runMultiClient } from './multi-client.js';
import type { TraceEvent } from './trace.js';

let computer: ComputerServer;
const dir = mkdtempSync(join(tmpdir(), 'soe-multi-'));

before(async () => {
  computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
  });
});
after(() => computer.stop());

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

function events(n: number, spacing: number, o: Partial<TraceEvent> = {}): TraceEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    time: (i + 1) * spacing,
    lambda: 'clambda0',
    endpoint: computer.endpoint,
    size: 100 + i,
    ...o,
  }));
}

test('every event is sent at its time and each OK response is one `t latency load1 responder 0` line', async () => {
  const file = join(dir, 'ok.txt');
  const saver = new Saver(file, { flush: false });
  const start = performance.now();
  const report = await runMultiClient({ events: events(10, 0.03), numThreads: 3, saver });
  const elapsed = (performance.now() - start) / 1000;
  saver.close();
  assert.equal(report.dispatched, 10);
  assert.equal(report.total, 10);
  assert.equal(report.failed, 0);
  assert.equal(report.error, undefined);
  assert.equal(report.latency.count, 10);
  assert.ok(elapsed >= 0.3, `replay took ${elapsed} s`);
  const out = lines(file);
  assert.equal(out.length, 10);
  for (const l of out) assert.match(l, /^\S+ \S+ \d+  0$/);
  const times = out.map((l) => Number(l.split(' ')[0]));
  assert.ok(times[0]! >= 0.03, `first at ${times[0]}`);
});

test('events already due are deadline misses and are sent at once', async () => {
  const past = events(6, 0).map((e) => ({ ...e, time: -1 }));
  const report = await runMultiClient({ events: past, numThreads: 2, saver: new Saver('') });
  assert.equal(report.deadlineMisses, 6);
  assert.equal(report.dispatched, 6);
});

test('failed responses are dispatched but print nothing; a transport failure stops the replay', async () => {
  const file = join(dir, 'fail.txt');
  const saver = new Saver(file);
  const failed = await runMultiClient({ events: events(3, 0.01, { lambda: 'nope' }), numThreads: 1, saver });
  saver.close();
  assert.equal(failed.dispatched, 3);
  assert.equal(failed.failed, 3);
  assert.deepEqual(lines(file), []);
  const dead = await runMultiClient({
    events: events(5, 0.01, { endpoint: '127.0.0.1:1' }),
    numThreads: 1,
    saver: new Saver(''),
  });
  assert.equal(dead.dispatched, 0);
  assert.match(dead.error ?? '', /^RPC failed: /);
});

test('an abort stops the replay', async () => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 100);
  const report = await runMultiClient({
    events: events(5, 10),
    numThreads: 2,
    saver: new Saver(''),
    signal: stop.signal,
  });
  assert.equal(report.dispatched, 0);
  assert.equal(report.total, 5);
});
