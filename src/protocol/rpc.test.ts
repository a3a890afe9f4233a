import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { codec } from './codec.js';
import { formatEndpoint, parseEndpoint } from './endpoint.js';
import type { LambdaRequest, LambdaResponse } from './messages.js';
import { RpcClient } from './rpc-client.js';
import { RpcError, StatusError } from './rpc-error.js';
import { RpcServer, service } from './rpc-server.js';
import { serviceDefinition, type ServiceName } from './services.js';

function response(fields: Partial<LambdaResponse>): LambdaResponse {
  return {
    retcode: 'OK',
    output: '',
    responder: '',
    ptime: 0,
    dataout: Buffer.alloc(0),
    load1: 0,
    load10: 0,
    load30: 0,
    hops: 0,
    states: {},
    asynchronous: false,
    ...fields,
  };
}

/** RunLambda upper-cases the input; a few lambda names trigger failures. */
async function runLambda(req: LambdaRequest): Promise<LambdaResponse> {
  if (req.name === 'throw') throw new Error('boom from the handler');
  if (req.name === 'reject') return Promise.reject(new Error('rejected promise'));
  if (req.name === 'status') throw new StatusError(grpc.status.NOT_FOUND, 'no such lambda');
  if (req.name === 'slow') await new Promise((resolve) => setTimeout(resolve, 500));
  return response({ output: req.input.toUpperCase(), dataout: req.datain, hops: req.hops + 1 });
}

/** A port on 127.0.0.1 on which nothing listens (bound then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('RpcServer and RpcClient over real gRPC', () => {
  let server: RpcServer;
  let client: RpcClient<'uiiit.rpc.EdgeServer'>;

  before(async () => {
    server = await RpcServer.start('127.0.0.1:0', [
      service('uiiit.rpc.EdgeServer', { RunLambda: runLambda }),
      service('uiiit.rpc.EdgeComputer', {
        StreamUtil: (call) => {
          let i = 0;
          const timer = setInterval(() => {
            if (i < 3) call.write({ values: { cpu: [0.1, 0.5, 1][i]!, gpu: i } });
            else if (i === 3) call.end();
            i++;
          }, 5);
          call.on('close', () => clearInterval(timer));
          call.on('finish', () => clearInterval(timer));
        },
      }),
    ]);
    client = new RpcClient('uiiit.rpc.EdgeServer', server.endpoint);
  });

  after(async () => {
    client.close();
    await server.stop();
  });

  test('the server reports the actual port it bound', () => {
    assert.ok(server.port > 0);
    assert.equal(server.endpoint, `127.0.0.1:${server.port}`);
  });

  test('RunLambda answers: upper-cased input, bytes and counters through the wire', async () => {
    const res = await client.call('RunLambda', {
      name: 'clambda0',
      input: 'hello, wörld',
      datain: Buffer.from([0, 255, 128]),
      hops: 1,
    });
    assert.equal(res.retcode, 'OK');
    assert.equal(res.output, 'HELLO, WÖRLD');
    assert.deepEqual([...res.dataout], [0, 255, 128]);
    assert.equal(res.hops, 2);
    assert.deepEqual(res.states, {});
  });

  test('concurrent calls are all answered', async () => {
    const inputs = Array.from({ length: 50 }, (_, i) => `input ${i}`);
    const outputs = await Promise.all(inputs.map((input) => client.call('RunLambda', { name: 'f', input })));
    assert.deepEqual(
      outputs.map((r) => r.output),
      inputs.map((s) => s.toUpperCase()),
    );
  });

  test('a handler that throws gives an RpcError `RPC failed: <message>` (INTERNAL)', async () => {
    await assert.rejects(client.call('RunLambda', { name: 'throw' }), (err: unknown) => {
      assert.ok(err instanceof RpcError);
      assert.ok(err.message.startsWith('RPC failed: '), err.message);
      assert.equal(err.message, 'RPC failed: boom from the handler');
      assert.equal(err.code, grpc.status.INTERNAL);
      return true;
    });
  });

  test('a rejected promise is a failure too, and a StatusError chooses the status', async () => {
    await assert.rejects(client.call('RunLambda', { name: 'reject' }), {
      name: 'RpcError',
      message: 'RPC failed: rejected promise',
    });
    await assert.rejects(client.call('RunLambda', { name: 'status' }), (err: unknown) => {
      assert.ok(err instanceof RpcError);
      assert.equal(err.code, grpc.status.NOT_FOUND);
      assert.equal(err.message, 'RPC failed: no such lambda');
      return true;
    });
  });

  test('the server keeps answering after failures', async () => {
    const res = await client.call('RunLambda', { name: 'f', input: 'still here' });
    assert.equal(res.output, 'STILL HERE');
  });

  test('a deadline gives DEADLINE_EXCEEDED as an RpcError', async () => {
    await assert.rejects(client.call('RunLambda', { name: 'slow' }, { timeoutMs: 50 }), (err: unknown) => {
      assert.ok(err instanceof RpcError);
      assert.equal(err.code, grpc.status.DEADLINE_EXCEEDED);
      assert.ok(err.message.startsWith('RPC failed: '));
      return true;
    });
  });

  test('unknown method names are refused on the client side', async () => {
    const bad = client as unknown as { call(m: string, r: object): Promise<unknown> };
    await assert.rejects((async () => bad.call('NoSuchMethod', {}))(), {
      message: 'Unknown method NoSuchMethod',
    });
  });

  test('a method of a service that is not served gives UNIMPLEMENTED', async () => {
    const router = new RpcClient('uiiit.rpc.EdgeRouter', server.endpoint);
    try {
      await assert.rejects(router.call('GetNumTables', {}), (err: unknown) => {
        assert.ok(err instanceof RpcError);
        assert.equal(err.code, grpc.status.UNIMPLEMENTED);
        return true;
      });
    } finally {
      router.close();
    }
  });

  test('server streaming: StreamUtil via client.stream yields every message, then ends', async () => {
    const util = new RpcClient('uiiit.rpc.EdgeComputer', server.endpoint);
    try {
      const got = [];
      for await (const m of util.stream('StreamUtil', {})) got.push(m);
      assert.deepEqual(got, [
        { values: { cpu: Math.fround(0.1), gpu: 0 } },
        { values: { cpu: 0.5, gpu: 1 } },
        { values: { cpu: 1, gpu: 2 } },
      ]);
    } finally {
      util.close();
    }
  });

  test('leaving a stream early cancels it on the server', { timeout: 60_000 }, async () => {
    let cancelled!: () => void;
    const wasCancelled = new Promise<void>((r) => (cancelled = r));
    // One message, then the stream stays open until the client leaves.
    const s = await RpcServer.start('127.0.0.1:0', [
      service('uiiit.rpc.EdgeComputer', {
        StreamUtil: (call) => {
          call.on('cancelled', () => cancelled());
          call.write({ values: { gpu: 0 } });
        },
      }),
    ]);
    const util = new RpcClient('uiiit.rpc.EdgeComputer', s.endpoint);
    try {
      for await (const m of util.stream('StreamUtil', {})) {
        assert.equal(m.values.gpu, 0);
        break;
      }
      await wasCancelled; // never resolves (the hang guard fails the test) if leaving does not cancel
    } finally {
      util.close();
      await s.stop(0);
    }
  });

  test('garbage bytes to /uiiit.rpc.EdgeServer/RunLambda get an error status; the server survives', async () => {
    const raw = new grpc.Client(server.endpoint, grpc.credentials.createInsecure());
    const identity = (b: Buffer) => b;
    const send = (bytes: Buffer) =>
      new Promise<{ err: grpc.ServiceError | null; value: Buffer | undefined }>((resolve) => {
        raw.makeUnaryRequest('/uiiit.rpc.EdgeServer/RunLambda', identity, identity, bytes, (err, value) =>
          resolve({ err, value }),
        );
      });
    try {
      for (const garbage of [
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // bad varint
        Buffer.from([0x0a, 0x7f, 0x41]), // length beyond the end
        Buffer.from([0x0f]), // wire type 7
        Buffer.from('definitely not protobuf'),
      ]) {
        const { err } = await send(garbage);
        assert.ok(err, `no error for ${garbage.toString('hex')}`);
        assert.notEqual(err.code, grpc.status.OK);
      }
      // Raw correct bytes still work through the same channel.
      const ok = await send(codec('uiiit.rpc.LambdaRequest').encode({ name: 'f', input: 'raw' }));
      assert.equal(ok.err, null);
      assert.equal(codec('uiiit.rpc.LambdaResponse').decode(ok.value!).output, 'RAW');
      const res = await client.call('RunLambda', { name: 'f', input: 'after garbage' });
      assert.equal(res.output, 'AFTER GARBAGE');
    } finally {
      raw.close();
    }
  });
});

describe('RpcClient towards nothing', () => {
  test('calling a closed port rejects with an RpcError (UNAVAILABLE)', async () => {
    const port = await closedPort();
    const client = new RpcClient('uiiit.rpc.EdgeServer', `127.0.0.1:${port}`);
    try {
      await assert.rejects(client.call('RunLambda', { name: 'f' }), (err: unknown) => {
        assert.ok(err instanceof RpcError);
        assert.equal(err.code, grpc.status.UNAVAILABLE);
        assert.ok(err.message.startsWith('RPC failed: '), err.message);
        return true;
      });
    } finally {
      client.close();
    }
  });

  test('streaming from a closed port throws an RpcError', async () => {
    const port = await closedPort();
    const client = new RpcClient('uiiit.rpc.EdgeComputer', `127.0.0.1:${port}`);
    try {
      await assert.rejects(
        (async () => {
          for await (const m of client.stream('StreamUtil', {}))
            assert.fail(`unexpected ${JSON.stringify(m)}`);
        })(),
        (err: unknown) => err instanceof RpcError && err.code === grpc.status.UNAVAILABLE,
      );
    } finally {
      client.close();
    }
  });
});

describe('RpcServer.start errors', () => {
  test('binding an endpoint already in use rejects with `Could not bind to: <endpoint>: address already in use`', async () => {
    const first = await RpcServer.start('127.0.0.1:0', [
      service('uiiit.rpc.EdgeServer', { RunLambda: runLambda }),
    ]);
    try {
      const endpoint = `127.0.0.1:${first.port}`;
      await assert.rejects(
        RpcServer.start(endpoint, [service('uiiit.rpc.EdgeServer', { RunLambda: runLambda })]),
        {
          message: `Could not bind to: ${endpoint}: address already in use`,
        },
      );
      // The first server is unaffected.
      const client = new RpcClient('uiiit.rpc.EdgeServer', first.endpoint);
      try {
        assert.equal((await client.call('RunLambda', { input: 'x' })).output, 'X');
      } finally {
        client.close();
      }
    } finally {
      await first.stop();
    }
  });

  test('a port held by a plain TCP listener cannot be bound either', async () => {
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as net.AddressInfo;
    try {
      await assert.rejects(RpcServer.start(`127.0.0.1:${port}`, []), {
        message: `Could not bind to: 127.0.0.1:${port}: address already in use`,
      });
    } finally {
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  test('an address of another machine cannot be bound', async () => {
    await assert.rejects(RpcServer.start('192.0.2.1:6473', []), {
      message: 'Could not bind to: 192.0.2.1:6473: address not available',
    });
  });

  test('an empty endpoint is refused', async () => {
    await assert.rejects(RpcServer.start('', []), {
      message: 'Invalid request to bind to an empty end-point',
    });
  });

  test('an endpoint without a port is refused', async () => {
    await assert.rejects(RpcServer.start('localhost', []), {
      message: "Invalid end-point (expected host:port): 'localhost'",
    });
  });

  test('an implementation of a method the service does not have is refused', async () => {
    const impl = { RunLambda: runLambda, Bogus: () => ({}) } as unknown as Parameters<
      typeof service<'uiiit.rpc.EdgeServer'>
    >[1];
    await assert.rejects(RpcServer.start('127.0.0.1:0', [service('uiiit.rpc.EdgeServer', impl)]), {
      message: 'Unknown method Bogus of uiiit.rpc.EdgeServer',
    });
  });

  test('stop() waits for the call in progress to finish', async () => {
    let reached!: () => void;
    const inHandler = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const s = await RpcServer.start('127.0.0.1:0', [
      service('uiiit.rpc.EdgeServer', {
        RunLambda: async (req) => {
          reached();
          await released;
          return runLambda(req);
        },
      }),
    ]);
    const client = new RpcClient('uiiit.rpc.EdgeServer', s.endpoint);
    try {
      const pending = client.call('RunLambda', { input: 'late' });
      await inHandler;
      // The grace period is a hang guard: the call ends as soon as it is released, after stop() began.
      const stopped = s.stop(60_000);
      release();
      await stopped;
      assert.equal((await pending).output, 'LATE');
    } finally {
      client.close();
    }
  });
});

describe('service definitions', () => {
  const expected: Record<ServiceName, string[]> = {
    'uiiit.rpc.EdgeServer': ['RunLambda'],
    'uiiit.rpc.CallbackServer': ['ReceiveResponse'],
    'uiiit.rpc.StateServer': ['Get', 'Put', 'Del'],
    'uiiit.rpc.EdgeRouter': ['Configure', 'GetTable', 'GetNumTables'],
    'uiiit.rpc.EdgeController': ['AnnounceComputer', 'AnnounceRouter', 'RemoveComputer'],
    'uiiit.rpc.EdgeComputer': ['StreamUtil'],
    'soe.rpc.ControllerView': ['ListComputers'],
    'uiiit.etsimec.rpc.UeAppLcmProxy': [
      'associateAddress',
      'removeAddress',
      'addLambda',
      'delLambda',
      'numContexts',
      'table',
      'contexts',
    ],
  };

  test('method paths are the original ones, e.g. /uiiit.rpc.EdgeServer/RunLambda', () => {
    for (const [name, methods] of Object.entries(expected) as [ServiceName, string[]][]) {
      const def = serviceDefinition(name);
      assert.deepEqual(Object.keys(def), methods);
      for (const m of methods) {
        assert.equal(def[m]!.path, `/${name}/${m}`);
        assert.equal(def[m]!.requestStream, false);
        assert.equal(def[m]!.responseStream, name === 'uiiit.rpc.EdgeComputer');
      }
    }
  });

  test('serialisers are the protocol codecs', () => {
    const m = serviceDefinition('uiiit.rpc.EdgeRouter').Configure!;
    const bytes = m.requestSerialize({
      action: 'CHANGE',
      lambda: 'l',
      destination: 'd:1',
      weight: 1,
      final: true,
    });
    assert.equal(
      bytes.toString('hex'),
      codec('uiiit.rpc.EdgeRouterConf')
        .encode({ action: 'CHANGE', lambda: 'l', destination: 'd:1', weight: 1, final: true })
        .toString('hex'),
    );
    assert.deepEqual(m.requestDeserialize(bytes), {
      action: 'CHANGE',
      lambda: 'l',
      destination: 'd:1',
      weight: 1,
      final: true,
    });
    assert.deepEqual(m.responseDeserialize(Buffer.alloc(0)), { msg: '' });
  });
});

describe('endpoints', () => {
  test('parseEndpoint splits at the last colon', () => {
    assert.deepEqual(parseEndpoint('127.0.0.1:6473'), { host: '127.0.0.1', port: 6473 });
    assert.deepEqual(parseEndpoint('localhost:0'), { host: 'localhost', port: 0 });
    assert.deepEqual(parseEndpoint('[::1]:6474'), { host: '[::1]', port: 6474 });
    assert.equal(formatEndpoint({ host: '0.0.0.0', port: 6476 }), '0.0.0.0:6476');
    assert.equal(formatEndpoint(parseEndpoint('[::1]:65535')), '[::1]:65535');
  });

  test('parseEndpoint errors name the endpoint', () => {
    for (const bad of ['localhost', ':6473', 'host:', '']) {
      assert.throws(() => parseEndpoint(bad), {
        message: `Invalid end-point (expected host:port): '${bad}'`,
      });
    }
    for (const bad of ['host:abc', 'host:65536', 'host:-1', 'host:+1', 'host:1.5', 'host: 1']) {
      assert.throws(() => parseEndpoint(bad), { message: `Invalid port in end-point: '${bad}'` });
    }
  });
});
