import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import { startCallbackServer, type CallbackServer } from '../../protocol/callback/callback-server.js';
import type { State } from '../../protocol/messages.js';
import { lambdaRequest } from '../../protocol/requests.js';
import { startStateServer, type StateServer } from '../../protocol/state/state-server.js';
import { startTypedComputerServer, type EdgeComputerServer } from '../computer-server.js';
import '../computer-types.js';

// A js computer whose functions read and write their states (docs/functions.md, "States"), served with
// asynchronous invocations and its own state server, over real gRPC.

const FUNCTIONS = {
  // Counts its calls in state `count` and appends its input's `word` to state `log`.
  counter: `function main(params) {
    const states = params.__ow_states || {};
    const count = Number(states.count || '0') + 1;
    return { count, __ow_states: { count: String(count), log: (states.log || '') + (params.word || '') } };
  }`,
  bad: `function main() { return { __ow_states: { s: 42 } }; }`,
};

let dir: string;
let computer: EdgeComputerServer;
let client: GrpcLambdaClient;
let callbacks: CallbackServer;
let elsewhere: StateServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'soe-states-'));
  for (const [name, code] of Object.entries(FUNCTIONS)) writeFileSync(join(dir, `${name}.js`), code);
  computer = await startTypedComputerServer({
    type: 'js',
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    settings: { functions: dir, 'js-conf': 'containers=1,prewarm=1,memory=128' },
    samplePeriod: 0,
    composition: { asyncWorkers: 2, stateEndpoint: '127.0.0.1:0' },
  });
  client = new GrpcLambdaClient(computer.endpoint);
  callbacks = await startCallbackServer('127.0.0.1:0');
  elsewhere = await startStateServer('127.0.0.1:0');
});

after(async () => {
  client.close();
  await callbacks.stop();
  await elsewhere.stop();
  await computer.stop();
  rmSync(dir, { recursive: true, force: true });
});

const embedded = (name: string, content: string): State => ({
  name,
  location: '',
  content: Buffer.from(content),
});

test('a function reads its embedded states in params.__ow_states and its writes come back', async () => {
  const res = await client.runLambda(
    lambdaRequest({
      name: 'counter',
      input: '{"word":"b"}',
      states: { count: embedded('count', '41'), log: embedded('log', 'a'), other: embedded('other', 'z') },
    }),
  );
  assert.equal(res.retcode, 'OK');
  assert.deepEqual(JSON.parse(res.output), { count: 42 });
  assert.deepEqual(res.states, {
    count: embedded('count', '42'),
    log: embedded('log', 'ab'),
    other: embedded('other', 'z'),
  });
});

test('a remote state the function depends on is read, written, and kept on the computer’s state server', async () => {
  elsewhere.store.put('count', Buffer.from('9'));
  const remote = { name: 'count', location: elsewhere.endpoint, content: Buffer.alloc(0) };
  const dependencies = { count: { functions: ['counter'] } };
  const ack = await client.runLambda(
    lambdaRequest({
      name: 'counter',
      input: '{"word":"x"}',
      states: { count: remote },
      dependencies,
      callback: callbacks.endpoint,
    }),
  );
  assert.equal(ack.asynchronous, true);
  const res = await callbacks.next(60_000);
  assert.equal(res?.retcode, 'OK');
  assert.deepEqual(JSON.parse(res.output), { count: 10 });
  const here = { name: 'count', location: computer.stateEndpoint, content: Buffer.alloc(0) };
  // The new state `log` the function wrote travels embedded; `count` now lives on the computer.
  assert.deepEqual(res.states, { count: here, log: embedded('log', 'x') });
  assert.equal(elsewhere.store.content('count'), undefined);
  // Called again with the moved state: it reads 10 from its own server.
  const again = await client.runLambda(
    lambdaRequest({ name: 'counter', input: '{}', states: { count: here }, dependencies }),
  );
  assert.deepEqual(JSON.parse(again.output), { count: 11 });
  assert.deepEqual(again.states.count, here);
});

test('bad input: an unknown remote state, a bad __ow_states', async () => {
  const dependencies = { s: { functions: ['counter'] } };
  const missing = await client.runLambda(
    lambdaRequest({
      name: 'counter',
      states: { s: { name: 's', location: elsewhere.endpoint, content: Buffer.alloc(0) } },
      dependencies,
    }),
  );
  assert.equal(missing.retcode, `could not find state in ${elsewhere.endpoint}: s`);
  const bad = await client.runLambda(lambdaRequest({ name: 'bad' }));
  assert.equal(bad.retcode, 'developer error: __ow_states.s must be a string, not number');
});
