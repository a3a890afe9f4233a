import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseRouterConf } from '../src/broker/router-conf.js';
import { startRouterServer, type RouterServer } from '../src/broker/router/router-server.js';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { ControllerRegistration } from '../src/controller/controller-registration.js';
import { ControllerServer } from '../src/controller/controller-server.js';
import { EdgeController } from '../src/controller/edge-controller.js';
import { RpcRouterInstaller } from '../src/controller/router-installer-rpc.js';
import { startComputerServer, type ComputerServer } from '../src/platform/computer-server.js';
import { startCallbackServer, type CallbackServer } from '../src/protocol/callback/callback-server.js';
import type { LambdaRequest, LambdaResponse, State } from '../src/protocol/messages.js';
import { lambdaRequest } from '../src/protocol/requests.js';
import { StateClient } from '../src/protocol/state/state-client.js';
import { startStateServer, type StateServer } from '../src/protocol/state/state-server.js';

// The original's TestLambdaTransactionGrpc.test_asynchronous and the remote-state tests of
// TestChainDagTransactionGrpc (spec §11.3, §11.4, §12.6), over real gRPC servers on loopback: a controller
// (flat), a router (random, trivial) and two asynchronous simulated computers with their own state
// servers, computer i running function fi; a client with its own callback and state servers.

interface Deployment {
  controller: ControllerServer;
  installer: RpcRouterInstaller;
  computers: ComputerServer[];
  router: RouterServer;
  registrations: ControllerRegistration[];
  client: GrpcLambdaClient;
  callbacks: CallbackServer;
  clientStates: StateServer;
  dir: string;
}

let d: Deployment;

/** A composer JSON file of one container running function `fn` (copy-input, fast). */
function profile(dir: string, fn: string): string {
  const path = join(dir, `${fn}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      version: '1.0',
      processors: [{ name: 'cpu', type: 'GenericCpu', speed: 1e11, memory: 1e9, cores: 4 }],
      containers: [
        {
          name: `container-${fn}`,
          processor: 'cpu',
          'num-workers': 4,
          lambda: {
            name: fn,
            requirements: 'proportional',
            'output-type': 'copy-input',
            'op-coeff': 1000,
            'op-offset': 1000,
            'mem-coeff': 1,
            'mem-offset': 0,
          },
        },
      ],
    }),
  );
  return path;
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-async-'));
  const installer = new RpcRouterInstaller();
  const controller = await ControllerServer.start('127.0.0.1:0', [new EdgeController({ installer })]);
  const computers = await Promise.all(
    ['f0', 'f1'].map((fn) =>
      startComputerServer({
        serverEndpoint: '127.0.0.1:0',
        utilizationEndpoint: '',
        conf: `type=file,path=${profile(dir, fn)}`,
        composition: { asyncWorkers: 5, stateEndpoint: '127.0.0.1:0' },
      }),
    ),
  );
  const router = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf: 'type=random',
    optimizerConf: 'type=trivial,period=10,stat=mean',
    router: parseRouterConf('max-pending-clients=2,min-forward-time=0,max-forward-time=0'),
    controllerEndpoint: controller.endpoint,
  });
  const registrations = [
    ...computers.map(
      (c, i) =>
        new ControllerRegistration(controller.endpoint, {
          computer: {
            edgeServerEndpoint: c.endpoint,
            containers: [{ name: `container-f${i}`, processor: 'cpu', lambda: `f${i}`, numWorkers: 4 }],
          },
        }),
    ),
    new ControllerRegistration(controller.endpoint, {
      router: { edgeServerEndpoint: router.endpoint, forwardingTableEndpoint: router.configurationEndpoint },
    }),
  ];
  await Promise.all(registrations.map((r) => r.announced));
  const callbacks = await startCallbackServer('127.0.0.1:0');
  const clientStates = await startStateServer('127.0.0.1:0');
  const client = new GrpcLambdaClient(router.endpoint);
  d = { controller, installer, computers, router, registrations, client, callbacks, clientStates, dir };
  // The routes are installed once both the router and a computer are known: wait for f0 and f1.
  for (const fn of ['f0', 'f1']) {
    for (;;) {
      const res = await client.runLambda(lambdaRequest({ name: fn, input: 'warm-up' }));
      if (res.retcode === 'OK') break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
});

after(async () => {
  d.client.close();
  for (const r of d.registrations) await r.unregister();
  await d.router.stop();
  await Promise.all(d.computers.map((c) => c.stop()));
  await d.controller.stop();
  d.installer.close();
  await d.callbacks.stop();
  await d.clientStates.stop();
  rmSync(d.dir, { recursive: true, force: true });
});

const embedded = (name: string, content: string): State => ({
  name,
  location: '',
  content: Buffer.from(content),
});

const remote = (name: string, location: string): State => ({ name, location, content: Buffer.alloc(0) });

test('test_asynchronous: 50 acknowledgements, then 50 callbacks with hops 2 from the computer', async () => {
  const states = { s0: embedded('s0', 'state zero'), s1: embedded('s1', 'state one') };
  const inputs = Array.from({ length: 50 }, (_, i) => `input #${i}`);
  const acks: LambdaResponse[] = [];
  for (const input of inputs) {
    acks.push(
      await d.client.runLambda(lambdaRequest({ name: 'f0', input, states, callback: d.callbacks.endpoint })),
    );
  }
  for (const ack of acks) {
    assert.deepEqual(
      { retcode: ack.retcode, asynchronous: ack.asynchronous, output: ack.output, hops: ack.hops },
      { retcode: 'OK', asynchronous: true, output: '', hops: 2 },
    );
  }
  const outputs: string[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await d.callbacks.next(60_000);
    assert.ok(res !== undefined, `callback ${i} did not arrive`);
    assert.equal(res.retcode, 'OK');
    assert.equal(res.asynchronous, false);
    assert.equal(res.hops, 2);
    assert.equal(res.responder, d.computers[0]!.endpoint);
    assert.deepEqual([res.ptime, res.load1, res.load10, res.load30], [0, 0, 0, 0]);
    assert.deepEqual(res.states, states);
    outputs.push(res.output);
  }
  assert.deepEqual(outputs.sort(), [...inputs].sort());
  assert.equal(d.callbacks.queued, 0);
});

/** The client's store holds s0, s1 and sX; the request references them remotely. */
function remoteStatesRequest(fields: Partial<LambdaRequest>): LambdaRequest {
  const loc = d.clientStates.endpoint;
  for (const name of ['s0', 's1', 'sX']) d.clientStates.store.put(name, Buffer.from(`content of ${name}`));
  return lambdaRequest({
    name: 'f0',
    input: 'hello',
    states: { s0: remote('s0', loc), s1: remote('s1', loc), sX: remote('sX', loc) },
    dependencies: { s0: { functions: ['f0'] }, s1: { functions: ['f1', 'f0'] }, sX: { functions: ['f1'] } },
    ...fields,
  });
}

/** s0 and s1 moved to computer 0's state server, sX left on the client's. */
async function assertMoved(res: LambdaResponse): Promise<void> {
  const c0 = d.computers[0]!;
  assert.equal(res.retcode, 'OK');
  assert.equal(res.hops, 2);
  assert.deepEqual(res.states, {
    s0: remote('s0', c0.stateEndpoint),
    s1: remote('s1', c0.stateEndpoint),
    sX: remote('sX', d.clientStates.endpoint),
  });
  assert.equal(d.clientStates.store.content('s0'), undefined);
  assert.equal(d.clientStates.store.content('s1'), undefined);
  assert.equal(d.clientStates.store.content('sX')?.toString(), 'content of sX');
  const states = new StateClient(c0.stateEndpoint);
  try {
    for (const name of ['s0', 's1']) {
      const got = await states.get(name);
      assert.equal(got.retcode, 'OK');
      assert.equal(got.state?.content.toString(), `content of ${name}`);
      assert.equal((await states.del(name)).retcode, 'OK');
    }
  } finally {
    states.close();
  }
}

test('test_single_function_sync_remote_states: dependent states move to the computer, others stay', async () => {
  const res = await d.client.runLambda(remoteStatesRequest({}));
  await assertMoved(res);
});

test('test_single_function_async_remote_states: the same at the callback', async () => {
  const ack = await d.client.runLambda(remoteStatesRequest({ callback: d.callbacks.endpoint }));
  assert.equal(ack.asynchronous, true);
  const res = await d.callbacks.next(60_000);
  assert.ok(res !== undefined);
  await assertMoved(res);
});

test('test_chain_remote_states (client-driven f0 → f1 → f0): s0 ends at f0’s server, s1 at f1’s', async () => {
  const loc = d.clientStates.endpoint;
  d.clientStates.store.put('s0', Buffer.from('zero'));
  d.clientStates.store.put('s1', Buffer.from('one'));
  const dependencies = { s0: { functions: ['f0', 'f1'] }, s1: { functions: ['f1'] } };
  let states: Record<string, State> = { s0: remote('s0', loc), s1: remote('s1', loc) };
  let input = 'chain input';
  let hops = 0;
  for (const fn of ['f0', 'f1', 'f0']) {
    const needed = Object.fromEntries(
      Object.entries(states).filter(([n]) => dependencies[n as 's0' | 's1'].functions.includes(fn)),
    );
    const res = await d.client.runLambda(
      lambdaRequest({ name: fn, input, states: needed, chain: [fn], dependencies }),
    );
    assert.equal(res.retcode, 'OK');
    states = { ...states, ...res.states };
    input = res.output;
    hops += res.hops;
  }
  const [c0, c1] = d.computers as [ComputerServer, ComputerServer];
  assert.equal(hops, 6);
  assert.equal(input, 'chain input');
  assert.deepEqual(states, { s0: remote('s0', c0.stateEndpoint), s1: remote('s1', c1.stateEndpoint) });
  assert.equal(d.clientStates.store.content('s0'), undefined);
  assert.equal(d.clientStates.store.content('s1'), undefined);
});
