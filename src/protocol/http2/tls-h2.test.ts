import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { opensslMissing, TestCertificates } from '../test-certificates.test-support.js';
import type { TlsCredentials } from '../tls-credentials.js';
import { GrpcUnaryChannel } from './grpc-unary-client.js';
import { GrpcUnaryServer } from './grpc-unary-server.js';

const skip = await opensslMissing();
const PATH = '/test.Tls/Echo';
const BIG = Buffer.alloc(1_000_000, 'z'); // many TLS records, past every flow-control window

/** The one method: echoes the request. */
const handlers = { [PATH]: (b: Buffer) => b };

describe('the lean transport over TLS', { skip }, () => {
  let certs: TestCertificates;
  let mutual: TlsCredentials;
  let serverOnly: TlsCredentials;
  let secure: GrpcUnaryServer;
  let open: GrpcUnaryServer;

  before(async () => {
    certs = await TestCertificates.create();
    mutual = certs.credentials();
    serverOnly = certs.credentials({ SOE_TLS_MUTUAL: '0' });
    secure = await GrpcUnaryServer.start('127.0.0.1:0', handlers, {}, mutual);
    open = await GrpcUnaryServer.start('127.0.0.1:0', handlers);
  });
  after(async () => {
    await Promise.all([secure.stop(0), open.stop(0)]);
    await certs.remove();
  });

  test('mutual TLS: a short call, a 1 MB call and 100 concurrent calls come back right', async () => {
    const channel = new GrpcUnaryChannel(secure.endpoint, mutual);
    try {
      assert.equal((await channel.call(PATH, Buffer.from('hello'))).toString(), 'hello');
      assert.ok((await channel.call(PATH, BIG)).equals(BIG));
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) => channel.call(PATH, Buffer.from(`${i}`))),
      );
      assert.deepEqual(
        replies.map((b) => b.toString()),
        Array.from({ length: 100 }, (_, i) => `${i}`),
      );
    } finally {
      channel.close();
    }
  });

  test('server-only TLS: a server that asks no certificate answers a client that has none', async () => {
    const server = await GrpcUnaryServer.start('127.0.0.1:0', handlers, {}, serverOnly);
    const channel = new GrpcUnaryChannel(server.endpoint, serverOnly);
    try {
      assert.equal(serverOnly.client, undefined);
      assert.equal((await channel.call(PATH, Buffer.from('no client cert'))).toString(), 'no client cert');
    } finally {
      channel.close();
      await server.stop(0);
    }
  });

  test('under mutual TLS, a client without a certificate or with one of another CA is refused: UNAVAILABLE', async () => {
    for (const tls of [serverOnly, certs.credentials({ CLIENT_CRT: 'rogue.crt', CLIENT_KEY: 'rogue.key' })]) {
      const channel = new GrpcUnaryChannel(secure.endpoint, tls);
      await assert.rejects(channel.call(PATH, Buffer.from('x')), {
        name: 'RpcError',
        code: grpc.status.UNAVAILABLE,
      });
      channel.close();
    }
  });

  test('a server whose certificate the CA did not sign is refused by the client: UNAVAILABLE', async () => {
    const channel = new GrpcUnaryChannel(secure.endpoint, certs.credentials({ CA_CRT: 'rogue-ca.crt' }));
    await assert.rejects(channel.call(PATH, Buffer.from('x')), {
      code: grpc.status.UNAVAILABLE,
      message:
        'RPC failed: No connection established. Last error: self-signed certificate in certificate chain',
    });
    channel.close();
  });

  test('a secure server refuses an insecure client, an insecure server a secure client: UNAVAILABLE', async () => {
    const insecure = new GrpcUnaryChannel(secure.endpoint);
    await assert.rejects(insecure.call(PATH, Buffer.from('x')), {
      name: 'RpcError',
      code: grpc.status.UNAVAILABLE,
    });
    insecure.close();
    const tooSecure = new GrpcUnaryChannel(open.endpoint, mutual);
    await assert.rejects(tooSecure.call(PATH, Buffer.from('x')), {
      name: 'RpcError',
      code: grpc.status.UNAVAILABLE,
    });
    tooSecure.close();
  });

  test('ALPN: a client offering only http/1.1 fails the handshake, one offering nothing is closed', async () => {
    const port = secure.port;
    const tlsOptions = {
      host: '127.0.0.1',
      port,
      ca: mutual.ca,
      cert: mutual.client!.cert,
      key: mutual.client!.key,
    };
    const http1 = connectTls({ ...tlsOptions, ALPNProtocols: ['http/1.1'] });
    const [err] = (await once(http1, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
    const none = connectTls(tlsOptions);
    await once(none, 'secureConnect');
    assert.equal(none.alpnProtocol, false);
    await once(none, 'close');
  });

  test('ALPN: our client refuses a TLS server that does not negotiate h2', async () => {
    const plain = createTlsServer({ cert: mutual.server!.cert, key: mutual.server!.key }, (s) => s.end());
    plain.listen(0, '127.0.0.1');
    await once(plain, 'listening');
    const { port } = plain.address() as { port: number };
    const channel = new GrpcUnaryChannel(`127.0.0.1:${port}`, mutual);
    try {
      await assert.rejects(channel.call(PATH, Buffer.from('x')), {
        code: grpc.status.UNAVAILABLE,
        message:
          'RPC failed: No connection established. Last error: the server did not negotiate HTTP/2 (ALPN h2)',
      });
    } finally {
      channel.close();
      plain.close();
    }
  });

  test('a connection that never starts the handshake is dropped after the preface timeout', async () => {
    const server = await GrpcUnaryServer.start('127.0.0.1:0', handlers, { prefaceTimeoutMs: 100 }, mutual);
    try {
      const silent = connectTcp(server.port, '127.0.0.1');
      await once(silent, 'connect');
      await once(silent, 'close');
      const channel = new GrpcUnaryChannel(server.endpoint, mutual);
      assert.equal((await channel.call(PATH, Buffer.from('after'))).toString(), 'after');
      channel.close();
    } finally {
      await server.stop(0);
    }
  });

  test('grpc-js calls the lean server over mutual TLS; without a client certificate it is refused', async () => {
    const call = (credentials: grpc.ChannelCredentials) => {
      const client = new grpc.Client(secure.endpoint, credentials);
      return new Promise<Buffer>((resolve, reject) =>
        client.makeUnaryRequest(
          PATH,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from('from grpc-js'),
          (e, v) => {
            client.close();
            if (e) reject(e);
            else resolve(v!);
          },
        ),
      );
    };
    const ok = await call(grpc.credentials.createSsl(mutual.ca, mutual.client!.key, mutual.client!.cert));
    assert.equal(ok.toString(), 'from grpc-js');
    await assert.rejects(call(grpc.credentials.createSsl(mutual.ca)), { code: grpc.status.UNAVAILABLE });
  });
});
