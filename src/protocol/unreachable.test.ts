import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GrpcUnaryChannel } from './http2/grpc-unary-client.js';
import { RpcClient } from './rpc-client.js';
import { RpcError, StatusError } from './rpc-error.js';
import { RpcServer, service } from './rpc-server.js';
import { unreachableError, unreachableReason } from './unreachable.js';

/** An endpoint on which nothing listens: a port bound a moment ago, then freed. */
async function closedEndpoint(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

test('a grpc-js call to a closed port: cannot connect to <endpoint>: connection refused', async () => {
  const endpoint = await closedEndpoint();
  const client = new RpcClient('uiiit.rpc.EdgeRouter', endpoint);
  try {
    const err = await client.call('GetNumTables', {}).then(
      () => assert.fail('the call succeeded'),
      (e: unknown) => e,
    );
    assert.equal(unreachableReason(err), 'connection refused');
    const told = unreachableError(endpoint, err);
    assert.ok(told instanceof Error);
    assert.equal(told.message, `cannot connect to ${endpoint}: connection refused`);
    assert.equal(told.cause, err);
  } finally {
    client.close();
  }
});

test('a lean-channel call to a closed port reads the same', async () => {
  const endpoint = await closedEndpoint();
  const channel = new GrpcUnaryChannel(endpoint);
  try {
    const err = await channel.call('/uiiit.rpc.EdgeServer/RunLambda', Buffer.alloc(0)).then(
      () => assert.fail('the call succeeded'),
      (e: unknown) => e,
    );
    assert.equal(
      (unreachableError(endpoint, err) as Error).message,
      `cannot connect to ${endpoint}: connection refused`,
    );
  } finally {
    channel.close();
  }
});

test('a name that does not resolve: host not found', () => {
  const err = new RpcError(
    grpc.status.UNAVAILABLE,
    'Name resolution failed for target dns:nowhere.invalid:6474',
  );
  assert.equal(
    (unreachableError('nowhere.invalid:6474', err) as Error).message,
    'cannot connect to nowhere.invalid:6474: host not found',
  );
});

test("a server's answer is not unreachable, even one quoting a socket error; nor is a plain error", async () => {
  const server = await RpcServer.start('127.0.0.1:0', [
    service('uiiit.rpc.EdgeRouter', {
      Configure: () => ({ msg: 'OK' }),
      GetTable: () => ({ entries: [] }),
      GetNumTables: () => {
        throw new StatusError(grpc.status.INTERNAL, 'downstream: connect ECONNREFUSED 10.0.0.1:6473');
      },
    }),
  ]);
  const client = new RpcClient('uiiit.rpc.EdgeRouter', server.endpoint);
  try {
    const err = await client.call('GetNumTables', {}).then(
      () => assert.fail('the call succeeded'),
      (e: unknown) => e,
    );
    assert.equal(unreachableReason(err), undefined);
    assert.equal(unreachableError(server.endpoint, err), err);
  } finally {
    client.close();
    await server.stop(0);
  }
  const plain = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  assert.equal(unreachableError('127.0.0.1:1', plain), plain);
});
