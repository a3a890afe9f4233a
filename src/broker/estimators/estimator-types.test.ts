import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { codec } from '../../protocol/codec.js';
import { startLambdaServer, type LambdaServer } from '../../protocol/edge-server.js';
import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { createEstimator } from './index.js';
import { compareNames } from '../policies/selection-policy.js';
import { freeEndpoint } from '../../../test/support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-estimator-types-'));

/** A request for `name` with an input of `size` bytes, every other field at its default. */
function request(name: string, size = 10, hops = 0): LambdaRequest {
  const c = codec('uiiit.rpc.LambdaRequest');
  return c.decode(c.encode({ name, input: 'x'.repeat(size), hops }));
}

/** An OK reply with a processing time (ms) and a load1. */
function reply(ptime: number, load1 = 0): LambdaResponse {
  return { ...errorResponse('OK', 1), ptime, load1 };
}

/** A clock the test moves by hand. */
function manualClock(): { clock: () => number; advance: (s: number) => void } {
  let now = 100;
  return { clock: () => now, advance: (s) => (now += s) };
}

/** The columns after the timestamp of each line of an output file. */
function outputRows(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(' ').slice(1));
}

describe('estimator registry', () => {
  test('unknown types, bad windows and missing keys are refused with the spec texts', () => {
    assert.throws(() => createEstimator('type=foo'), /^Error: Invalid processing time estimator type: foo$/);
    assert.throws(() => createEstimator('window-size=3'), /^Error: No value found for key: type$/);
    assert.throws(
      () => createEstimator('type=rtt,window-size=50'),
      /^Error: Invalid configuration for type 'rtt', use something like: type=rtt,window-size=50,stale-period=10$/,
    );
    assert.throws(
      () => createEstimator('type=rtt,window-size=0,stale-period=1'),
      /^Error: Invalid value '0' for key 'window-size': must be > 0$/,
    );
    assert.throws(
      () => createEstimator('type=delay,util-load-timeout=1,util-window-size=-1,output=x'),
      /^Error: Invalid value '-1' for key 'util-window-size': cannot be < 0$/,
    );
  });
});

describe('rtt estimator', () => {
  test('looks at the network time only, clamps at 0, and revisits destinations whose data went stale', async () => {
    const { clock, advance } = manualClock();
    const e = createEstimator('type=rtt,window-size=5,stale-period=10', { clock });
    for (const d of ['a', 'b']) e.added('f', d);
    const req = request('f');
    // a: 100 ms of processing, 1 ms of network; b: no processing, 20 ms of network.
    e.success(req, 'a', reply(100), 0.101);
    advance(5);
    e.success(req, 'b', reply(0), 0.02);
    assert.equal(await e.choose(req, ['a', 'b']), 'a');
    advance(6);
    // a's sample is stale: it estimates 0 again, b (20 ms) still counts.
    e.success(req, 'a', reply(100), 0.101);
    assert.equal(await e.choose(req, ['a', 'b']), 'a');
    advance(6);
    e.success(req, 'a', reply(100), 0.2);
    assert.equal(await e.choose(req, ['a', 'b']), 'b', 'a: 100 ms of network now');
    advance(11);
    assert.equal(await e.choose(req, ['a', 'b']), 'a', 'everything stale: tie, first wins');
    // A negative network time (rounding) estimates 0, not less.
    e.success(req, 'b', reply(10), 0.005);
    assert.equal(await e.choose(req, ['a', 'b']), 'a');
    e.close();
  });

  test('fits the network time against the request size', async () => {
    const e = createEstimator('type=rtt,window-size=50,stale-period=10');
    for (const d of ['a', 'b']) e.added('f', d);
    // a: 1 ms + 1 µs per byte; b: 5 ms flat.
    for (const size of [100, 1000, 2000]) {
      e.success(request('f', size), 'a', reply(0), 0.001 + size * 1e-6);
      e.success(request('f', size), 'b', reply(0), 0.005);
    }
    assert.equal(await e.choose(request('f', 100), ['a', 'b']), 'a');
    assert.equal(await e.choose(request('f', 10000), ['a', 'b']), 'b');
    e.close();
  });

  test('a destination removed and added again starts from scratch', async () => {
    const e = createEstimator('type=rtt,window-size=50,stale-period=10');
    for (const d of ['a', 'b']) e.added('f', d);
    e.success(request('f'), 'a', reply(0), 0.01);
    e.success(request('f'), 'b', reply(0), 0.05);
    assert.equal(await e.choose(request('f'), ['a', 'b']), 'a');
    e.removed('f', 'b');
    e.added('f', 'b');
    assert.equal(await e.choose(request('f'), ['a', 'b']), 'b', 'b forgot its 50 ms');
    e.close();
  });
});

describe('util estimator', () => {
  test('adds the network estimate and the processing time fitted against the load at the last load', async () => {
    const { clock, advance } = manualClock();
    const output = join(dir, 'util.dat');
    const e = createEstimator(
      `type=util,rtt-window-size=50,rtt-stale-period=100,util-load-timeout=10,util-window-size=50,output=${output}`,
      { clock },
    );
    for (const d of ['a', 'b']) e.added('f', d);
    const req = request('f', 10);
    // a: processing time 10 ms at load 0, 110 ms at load 100 (1 ms per load point); 2 ms of network.
    e.success(req, 'a', reply(10, 0), 0.012);
    e.success(req, 'a', reply(110, 100), 0.112);
    // b: 50 ms flat, 3 ms of network, last load 0.
    e.success(req, 'b', reply(50, 0), 0.053);
    // a's last load is 100 → clamped to 99 → 109 ms + 2 ms > b's 53 ms.
    assert.equal(await e.choose(req, ['a', 'b']), 'b');
    e.success(req, 'a', reply(20, 10), 0.022);
    // a at load 10: the fit over (0,10) (100,110) (10,20) gives 20 ms, + 2 ms < 53 ms.
    assert.equal(await e.choose(req, ['a', 'b']), 'a');
    e.success(req, 'a', reply(110, 100), 0.112);
    assert.equal(await e.choose(req, ['a', 'b']), 'b');
    advance(11);
    // a's load is older than util-load-timeout: evaluated at 0.
    assert.equal(await e.choose(req, ['a', 'b']), 'a');
    // An unseen size has no processing-time estimate, only the network part (2 ms < 3 ms).
    assert.equal(await e.choose(request('f', 11), ['a', 'b']), 'a');
    e.close();
    const rows = outputRows(output);
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[0], ['f', 'a', '10', '0', '0', '0.002', '0', '0.01']);
    assert.deepEqual(rows[2], ['f', 'b', '10', '0', '0', '0.003', '0', '0.05']);
    const [, , , load1, estRtt, measRtt, , measPtime] = rows[3]!;
    assert.deepEqual([load1, estRtt, measRtt, measPtime], ['10', '0.002', '0.002', '0.02']);
  });
});

describe('delay estimator', () => {
  test('fits the whole delay against the load, per request size', async () => {
    const { clock, advance } = manualClock();
    const output = join(dir, 'delay.dat');
    const e = createEstimator(`type=delay,util-load-timeout=10,util-window-size=50,output=${output}`, {
      clock,
    });
    for (const d of ['a', 'b']) e.added('f', d);
    const req = request('f', 10);
    e.success(req, 'a', reply(0, 0), 0.01);
    e.success(req, 'a', reply(0, 100), 0.11);
    e.success(req, 'b', reply(0, 0), 0.05);
    assert.equal(await e.choose(req, ['a', 'b']), 'b', 'a at load 99: ≈ 109 ms');
    e.success(req, 'a', reply(0, 10), 0.02);
    assert.equal(await e.choose(req, ['a', 'b']), 'a', 'a at load 10: ≈ 20 ms');
    e.success(req, 'a', reply(0, 100), 0.11);
    advance(10.5);
    assert.equal(await e.choose(req, ['a', 'b']), 'a', 'stale load: a at load 0');
    assert.equal(await e.choose(request('f', 99), ['a', 'b']), 'a', 'unseen size: all 0, first wins');
    e.close();
    const rows = outputRows(output);
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[0], ['f', 'a', '10', '0', '0', '0.01']);
    assert.deepEqual(rows[1], ['f', 'a', '10', '100', '0.01', '0.11']);
  });
});

describe('probe estimator', () => {
  test('asks every destination for a dry estimate and picks the smallest', async () => {
    const received: [string, LambdaRequest][] = [];
    const ptimes = new Map<string, number>();
    const servers: LambdaServer[] = [];
    for (let i = 0; i < 2; i++) {
      const server: LambdaServer = await startLambdaServer('127.0.0.1:0', (req) => {
        received.push([server.endpoint, req]);
        return reply(ptimes.get(server.endpoint) ?? 0);
      });
      servers.push(server);
    }
    const [first, second] = servers.map((s) => s.endpoint).sort(compareNames) as [string, string];
    const closed = { endpoint: await freeEndpoint() };
    const output = join(dir, 'probe.dat');
    const e = createEstimator(`type=probe,max-clients=2,output=${output}`);
    try {
      for (const d of [first, second, closed.endpoint]) e.added('f', d);
      ptimes.set(first, 40);
      ptimes.set(second, 7);
      const req = request('f', 10, 3);
      assert.equal(await e.choose(req, [closed.endpoint, first, second]), second);
      assert.deepEqual(
        received.map(([d, r]) => [d, r.name, r.dry, r.forward, r.hops]).sort(),
        [
          [first, 'f', true, true, 4],
          [second, 'f', true, true, 4],
        ].sort(),
      );
      e.success(req, second, reply(8), 0.01);
      ptimes.set(second, 70);
      assert.equal(await e.choose(request('f'), [first, second]), first);
      ptimes.set(first, 70);
      assert.equal(await e.choose(request('f'), [closed.endpoint, first, second]), first, 'tie: first');
      assert.equal(await e.choose(request('f'), [closed.endpoint]), closed.endpoint, 'no reply: first');
    } finally {
      e.close();
      await Promise.all(servers.map((s) => s.stop(0)));
    }
    assert.deepEqual(outputRows(output), [['f', second, '10', '7', '8']]);
  });
});
