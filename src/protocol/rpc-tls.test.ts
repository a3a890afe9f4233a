import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { RpcClient } from './rpc-client.js';
import { RpcServer, service, type ServiceBinding } from './rpc-server.js';
import { opensslMissing, TestCertificates } from './test-certificates.test-support.js';
import type { TlsCredentials } from './tls-credentials.js';

const skip = await opensslMissing();

/** The control plane's two shapes: a unary call (GetNumTables) and a server stream (StreamUtil). */
const services: ServiceBinding[] = [
  service('uiiit.rpc.EdgeRouter', {
    Configure: () => ({ msg: 'OK' }),
    GetTable: () => ({ entries: [] }),
    GetNumTables: () => ({ value: 2 }),
  }),
  service('uiiit.rpc.EdgeComputer', {
    StreamUtil: (call) => {
      call.write({ values: { cpu: 0.5 } });
      call.end();
    },
  }),
];

async function numTables(endpoint: string, tls?: TlsCredentials): Promise<number> {
  const client = new RpcClient('uiiit.rpc.EdgeRouter', endpoint, { tls });
  try {
    return (await client.call('GetNumTables', {})).value;
  } finally {
    client.close();
  }
}

describe('the control plane (grpc-js) over TLS', { skip }, () => {
  let certs: TestCertificates;
  let mutual: TlsCredentials;
  let serverOnly: TlsCredentials;
  let secure: RpcServer;
  let open: RpcServer;

  before(async () => {
    certs = await TestCertificates.create();
    mutual = certs.credentials();
    serverOnly = certs.credentials({ SOE_TLS_MUTUAL: '0' });
    secure = await RpcServer.start('127.0.0.1:0', services, { tls: mutual });
    open = await RpcServer.start('127.0.0.1:0', services);
  });
  after(async () => {
    await Promise.all([secure.stop(0), open.stop(0)]);
    await certs.remove();
  });

  test('mutual TLS: a unary call and a server stream', async () => {
    assert.equal(await numTables(secure.endpoint, mutual), 2);
    const util = new RpcClient('uiiit.rpc.EdgeComputer', secure.endpoint, { tls: mutual });
    try {
      const got = [];
      for await (const m of util.stream('StreamUtil', {})) got.push(m);
      assert.deepEqual(got, [{ values: { cpu: 0.5 } }]);
    } finally {
      util.close();
    }
  });

  test('server-only TLS: a server that asks no certificate answers a client without one', async () => {
    const server = await RpcServer.start('127.0.0.1:0', services, { tls: serverOnly });
    try {
      assert.equal(await numTables(server.endpoint, serverOnly), 2);
    } finally {
      await server.stop(0);
    }
  });

  test('a secure server refuses an insecure client, an insecure server a secure client: UNAVAILABLE', async () => {
    await assert.rejects(numTables(secure.endpoint), { name: 'RpcError', code: grpc.status.UNAVAILABLE });
    await assert.rejects(numTables(open.endpoint, mutual), {
      name: 'RpcError',
      code: grpc.status.UNAVAILABLE,
    });
  });

  test('under mutual TLS a client without a certificate, or with one of another CA, is refused', async () => {
    await assert.rejects(numTables(secure.endpoint, serverOnly), { code: grpc.status.UNAVAILABLE });
    const rogue = certs.credentials({ CLIENT_CRT: 'rogue.crt', CLIENT_KEY: 'rogue.key' });
    await assert.rejects(numTables(secure.endpoint, rogue), { code: grpc.status.UNAVAILABLE });
  });

  test('material without a server certificate cannot serve, naming the variables', async () => {
    const clientOnly: TlsCredentials = { ca: mutual.ca, mutual: true, client: mutual.client! };
    await assert.rejects(RpcServer.start('127.0.0.1:0', services, { tls: clientOnly }), {
      message: 'Cannot serve TLS without a server certificate and key (SERVER_CRT, SERVER_KEY)',
    });
  });
});
