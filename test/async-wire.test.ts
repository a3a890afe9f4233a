/**
 * Wire compatibility of asynchronous invocations and states with `protoc` (the C++ protobuf library) as
 * oracle: a callback and StateServer peer that are raw gRPC servers handing over the very bytes our
 * computer sends, which `protoc --decode` must read as the expected text; and a "C++" state server
 * answering with bytes `protoc --encode` made, which our computer must understand.
 */
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { startComputerServer } from '../src/platform/computer-server.js';
import { lambdaRequest } from '../src/protocol/requests.js';
import { StateClient } from '../src/protocol/state/state-client.js';

const PROTO = fileURLToPath(new URL('../../proto/', import.meta.url));
const probe = spawnSync('protoc', ['--version'], { encoding: 'utf8' });
const skip =
  probe.error !== undefined || probe.status !== 0
    ? 'protoc not found on PATH: install protobuf-compiler (Debian) to run the wire-compatibility oracle'
    : false;

function protoc(args: string[], input: Buffer | string): Buffer {
  return execFileSync('protoc', ['-I', PROTO, ...args, 'void.proto', 'edgeserver.proto'], {
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

type Raw = (method: string, bytes: Buffer) => Buffer;

/** A gRPC server of `service` whose methods see and answer raw bytes. */
async function rawServer(
  service: string,
  methods: string[],
  handle: Raw,
): Promise<{ endpoint: string; stop(): void }> {
  const server = new grpc.Server();
  const def: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  const impl: grpc.UntypedServiceImplementation = {};
  for (const m of methods) {
    def[m] = {
      path: `/${service}/${m}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    };
    impl[m] = ((call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
      cb(null, handle(m, call.request))) as grpc.UntypedHandleCall;
  }
  server.addService(def, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { endpoint: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

test(
  'a callback and the StateServer calls of a migration, byte for byte as protoc reads and writes them',
  { skip },
  async () => {
    const seen: { method: string; text: string }[] = [];
    let delivered!: (text: string) => void;
    const callbackText = new Promise<string>((resolve) => (delivered = resolve));
    const callbacks = await rawServer('uiiit.rpc.CallbackServer', ['ReceiveResponse'], (_m, bytes) => {
      delivered(protoc(['--decode=uiiit.rpc.LambdaResponse'], bytes).toString());
      return Buffer.alloc(0);
    });
    // The "C++" state server holding s0: it answers Get with protoc's encoding, Del with OK.
    const states = await rawServer('uiiit.rpc.StateServer', ['Get', 'Put', 'Del'], (method, bytes) => {
      seen.push({ method, text: protoc(['--decode=uiiit.rpc.State'], bytes).toString() });
      const reply =
        method === 'Get'
          ? 'retcode: "OK"\nstate {\n  name: "s0"\n  content: "remote \\001 bytes"\n}\n'
          : 'retcode: "OK"\n';
      return protoc(['--encode=uiiit.rpc.StateResponse'], reply);
    });
    const computer = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '',
      conf: 'type=raspberry',
      composition: { asyncWorkers: 1, stateEndpoint: '127.0.0.1:0' },
    });
    const client = new GrpcLambdaClient(computer.endpoint);
    try {
      const ack = await client.runLambda(
        lambdaRequest({
          name: 'clambda0',
          input: 'in',
          hops: 1,
          callback: callbacks.endpoint,
          states: {
            s0: { name: 's0', location: states.endpoint, content: Buffer.alloc(0) },
            s1: { name: 's1', location: '', content: Buffer.from('embedded') },
          },
          dependencies: { s0: { functions: ['clambda0'] } },
        }),
      );
      assert.equal(ack.asynchronous, true);
      assert.equal(
        await callbackText,
        'retcode: "OK"\n' +
          'output: "in"\n' +
          `responder: "${computer.endpoint}"\n` +
          'hops: 2\n' +
          'states {\n  key: "s0"\n  value {\n    name: "s0"\n' +
          `    location: "${computer.stateEndpoint}"\n  }\n}\n` +
          'states {\n  key: "s1"\n  value {\n    name: "s1"\n    content: "embedded"\n  }\n}\n',
      );
      assert.deepEqual(seen, [
        { method: 'Get', text: 'name: "s0"\n' },
        { method: 'Del', text: 'name: "s0"\n' },
      ]);
      // The content the "C++" server gave is now on the computer's own state server.
      const own = new StateClient(computer.stateEndpoint);
      const got = await own.get('s0');
      own.close();
      assert.equal(got.state?.content.toString('latin1'), 'remote \x01 bytes');
    } finally {
      client.close();
      callbacks.stop();
      states.stop();
      await computer.stop();
    }
  },
);
