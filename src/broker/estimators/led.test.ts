import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LambdaRequest } from '../../protocol/messages.js';
import { lambdaRequest } from '../../protocol/requests.js';
import { errorResponse } from '../../protocol/responses.js';
import { LedEstimator } from './led.js';

function request(dry = false): LambdaRequest {
  return lambdaRequest({ name: 'f', input: 'x', dry });
}

function make(now: { t: number }, timeout = 30): LedEstimator {
  const led = new LedEstimator({ windowSize: 3, inFlightTimeout: timeout }, () => now.t);
  for (const d of ['a', 'b']) led.added('f', d);
  return led;
}

const ok = errorResponse('OK', 1);

test('with nothing learned, requests are spread by the number in flight (ties to the first)', async () => {
  const led = make({ t: 0 });
  const order = [];
  for (let i = 0; i < 4; i++) order.push(await led.choose(request(), ['a', 'b']));
  assert.deepEqual(order, ['a', 'b', 'a', 'b']);
});

test('the delay per concurrent request is learned from replies and weighs the in-flight counts', async () => {
  const led = make({ t: 0 });
  // a: one request alone takes 0.4 s; b: 0.1 s. So r_a = 0.4, r_b = 0.1.
  const ra = request();
  assert.equal(await led.choose(ra, ['a', 'b']), 'a');
  led.success(ra, 'a', ok, 0.4);
  const rb = request();
  assert.equal(await led.choose(rb, ['a', 'b']), 'b', 'b, never heard from, is tried at once');
  led.success(rb, 'b', ok, 0.1);
  // Now b costs 0.1·(n_b + 1) and a 0.4: b takes three, the fourth is a tie (0.4) won by a, then b again.
  const picks = [];
  for (let i = 0; i < 5; i++) picks.push(await led.choose(request(), ['a', 'b']));
  assert.deepEqual(picks, ['b', 'b', 'b', 'a', 'b']);
});

test('the concurrency of a reply is the mean of the in-flight counts at departure and return', async () => {
  const led = make({ t: 0 });
  const first = request();
  const second = request();
  assert.equal(await led.choose(first, ['a']), 'a');
  assert.equal(await led.choose(second, ['a']), 'a');
  // first left with 1 in flight (itself) and returns with 2: concurrency 1.5, so r = 0.3 / 1.5 = 0.2.
  led.success(first, 'a', ok, 0.3);
  // b has shown 0.3 s alone (r = 0.3, concurrency 1): a costs 0.2 · (1 + 1) = 0.4 with one in flight, b 0.3.
  led.success(request(), 'b', ok, 0.3);
  assert.equal(await led.choose(request(), ['a', 'b']), 'b');
  // Now b costs 0.6 and a 0.4.
  assert.equal(await led.choose(request(), ['a', 'b']), 'a');
});

test('dry requests are not counted; requests without reply stop counting after the timeout', async () => {
  const now = { t: 0 };
  const led = make(now, 10);
  assert.equal(await led.choose(request(true), ['a', 'b']), 'a');
  assert.equal(await led.choose(request(true), ['a', 'b']), 'a', 'the dry one is not in flight');
  assert.equal(await led.choose(request(), ['a', 'b']), 'a');
  assert.equal(await led.choose(request(), ['a', 'b']), 'b');
  now.t = 10.5;
  assert.equal(await led.choose(request(), ['a', 'b']), 'a', 'both expired: a is first again');
});

test('a removed destination is forgotten with its requests in flight', async () => {
  const led = make({ t: 0 });
  const r = request();
  assert.equal(await led.choose(r, ['a', 'b']), 'a');
  led.removed('f', 'a');
  led.success(r, 'a', ok, 5);
  led.added('f', 'a');
  assert.equal(await led.choose(request(), ['a', 'b']), 'a', 'nothing in flight, nothing learned');
});
