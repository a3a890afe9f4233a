import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freeEndpoint } from '../../test/support/ports.js';
import { startComputerServer, type ComputerServer } from '../platform/computer-server.js';
import { RpcError } from '../protocol/rpc-error.js';
import { Random } from '../support/random.js';
import { createLambdaClient } from './lambda-client-factory.js';
import { GrpcLambdaClient } from './lambda-client-grpc.js';
import { MultiLambdaClient, NONE_RESPONDED } from './lambda-client-multi.js';
import { makeInput } from './load-client.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-client-'));

/** A computer whose single processor runs clambda0 (1e6·L + 4e6 ops) at `speed` ops/s. */
async function computerAt(endpoint: string, speed: number): Promise<ComputerServer> {
  const path = join(dir, `speed-${speed}.json`);
  const profile = {
    version: '1.0',
    processors: [{ name: 'cpu', type: 'GenericCpu', speed, cores: 1, memory: 1e9 }],
    containers: [
      {
        name: 'c0',
        processor: 'cpu',
        'num-workers': 10,
        lambda: {
          name: 'clambda0',
          requirements: 'proportional',
          'output-type': 'copy-input',
          'op-coeff': 1e6,
          'op-offset': 4e6,
          'mem-coeff': 100,
          'mem-offset': 0,
        },
      },
    ],
  };
  writeFileSync(path, JSON.stringify(profile));
  return startComputerServer({
    serverEndpoint: endpoint,
    utilizationEndpoint: '',
    conf: `type=file,path=${path}`,
  });
}

test('a single-destination client rejects with RpcError when nobody listens (dry or not)', async () => {
  const client = new GrpcLambdaClient(await freeEndpoint());
  await assert.rejects(
    client.runLambda({ name: 'clambda0' }),
    (e) => e instanceof RpcError && e.message.startsWith('RPC failed: '),
  );
  await assert.rejects(client.runLambda({ name: 'clambda0' }, true), RpcError);
  client.close();
});

test('the factory: one endpoint is a plain client, several need persistence, bad types fail', () => {
  assert.ok(createLambdaClient(['127.0.0.1:1'], 'type=grpc') instanceof GrpcLambdaClient);
  assert.ok(
    createLambdaClient(['127.0.0.1:1', '127.0.0.1:2'], 'type=grpc, persistence=0.05') instanceof
      MultiLambdaClient,
  );
  assert.throws(() => createLambdaClient(['127.0.0.1:1', '127.0.0.1:2'], 'type=grpc'), {
    message: 'No value found for key: persistence',
  });
  assert.throws(() => createLambdaClient(['127.0.0.1:1'], 'type=quic'), {
    message: 'Unknown client type: quic',
  });
  assert.throws(() => createLambdaClient([], 'type=grpc'), {
    message: 'Cannot create an edge client with an empty set of destinations',
  });
  assert.throws(() => new MultiLambdaClient([], 0.5), {
    message: 'Cannot create an edge client with an empty set of destinations',
  });
  assert.throws(() => new MultiLambdaClient(['a:1'], -0.1), {
    message: 'Invalid configuration: persistence probability (-0.1) cannot be < 0 or > 1',
  });
});

test(
  'multi client, one destination: fails before the computer runs, then OK with the responder set',
  { timeout: 120_000 },
  async () => {
    const endpoint = await freeEndpoint();
    const client = new MultiLambdaClient([endpoint], 0.5);
    const input = makeInput(100);
    for (const dry of [false, true]) {
      const res = await client.runLambda({ name: 'clambda0', input }, dry);
      assert.equal(res.retcode, NONE_RESPONDED);
    }
    const computer = await computerAt(endpoint, 1e9);
    try {
      // The channel reconnects after its backoff once the computer listens (the test's timeout is the
      // hang guard: a busy machine may take seconds).
      while ((await client.runLambda({ name: 'clambda0', input })).retcode !== 'OK') {
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const dry of [false, true]) {
        const t0 = performance.now();
        const res = await client.runLambda({ name: 'clambda0', input }, dry);
        const latency = performance.now() - t0;
        assert.equal(res.retcode, 'OK');
        assert.equal(res.responder, endpoint);
        assert.equal(res.hops, 1);
        // 1.04e8 ops at 1e9 ops/s: 104 ms, estimated on the idle computer, or measured: late timers on a
        // busy machine only add to it, within the call's latency.
        if (dry) assert.equal(res.ptime, 104);
        else
          assert.ok(res.ptime >= 104 && res.ptime <= latency + 0.5, `ptime ${res.ptime}, latency ${latency}`);
      }
      const unknown = await client.runLambda({ name: 'nope', input });
      assert.equal(unknown.retcode, `No container for lambda nope found in computer computer@${endpoint}`);
    } finally {
      client.close();
      await computer.stop();
    }
  },
);

test('multi client, three destinations with persistence 0.5: only the two fast ones answer first, both used', async () => {
  // 127.0.0.3 sorts last, so the slow computer is never the first primary. Two idle fast computers take
  // the same time, and the primary, asked first, answers first: halfway, a second client keeps the first
  // fast computer busy (one core shared), so the other answers first when it is asked too and takes over.
  const fast = [await computerAt('127.0.0.1:0', 1e10), await computerAt('127.0.0.2:0', 1e10)];
  const slow = await computerAt('127.0.0.3:0', 1e9);
  const client = new MultiLambdaClient([slow.endpoint, ...fast.map((c) => c.endpoint)], 0.5, new Random(42));
  const other = new GrpcLambdaClient(fast[0]!.endpoint);
  let busy = false;
  const background: Promise<unknown>[] = [];
  const responders = new Map<string, number>();
  try {
    for (let i = 0; i < 100; i++) {
      if (i === 50) {
        busy = true;
        for (let k = 0; k < 3; k++) {
          background.push(
            (async () => {
              while (busy) await other.runLambda({ name: 'clambda0', input: makeInput(100) });
            })(),
          );
        }
      }
      const res = await client.runLambda({ name: 'clambda0', input: makeInput(100) });
      assert.equal(res.retcode, 'OK');
      responders.set(res.responder, (responders.get(res.responder) ?? 0) + 1);
    }
  } finally {
    busy = false;
    await Promise.all(background);
    other.close();
    client.close();
    await Promise.all([...fast, slow].map((c) => c.stop()));
  }
  assert.deepEqual([...responders.keys()].sort(), fast.map((c) => c.endpoint).sort());
  for (const n of responders.values()) assert.ok(n >= 5, `usage ${[...responders.values()].join('/')}`);
});

test('makeInput gives exactly `size` bytes of JSON', () => {
  assert.equal(makeInput(100).length, 100);
  assert.equal(makeInput(12), '{"input":""}');
  assert.equal(makeInput(15), '{"input":"AAA"}');
  assert.equal(makeInput(3), '{"input":""}');
});
