/**
 * Wire compatibility of the lean gRPC transport with grpc's C core, the HTTP/2 stack of the C++ original
 * (Debian's python3-grpcio drives it: test/support/grpc-core-peer.py). Both ways: a C-core client calls our
 * servers (a bare transport server, and a router in front of a computer), and our channel and our router
 * call a C-core server; then the same over mutual TLS (ALPN h2), the C core on either side.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { parseRouterConf } from '../src/broker/router-conf.js';
import { startRouterServer, type RouterServer } from '../src/broker/router/router-server.js';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { startComputerServer, type ComputerServer } from '../src/platform/computer-server.js';
import { lambdaCodecs, RUN_LAMBDA } from '../src/protocol/lambda-wire.js';
import { GrpcUnaryChannel } from '../src/protocol/http2/grpc-unary-client.js';
import { GrpcUnaryServer } from '../src/protocol/http2/grpc-unary-server.js';
import { lambdaRequest } from '../src/protocol/requests.js';
import { errorResponse } from '../src/protocol/responses.js';
import { RpcClient } from '../src/protocol/rpc-client.js';
import { StatusError } from '../src/protocol/rpc-error.js';
import { opensslMissing, TestCertificates } from '../src/protocol/test-certificates.test-support.js';
import type { TlsCredentials } from '../src/protocol/tls-credentials.js';

const PYTHON = '/usr/bin/python3';
const PEER = fileURLToPath(new URL('../../test/support/grpc-core-peer.py', import.meta.url));
const skip =
  spawnSync(PYTHON, ['-c', 'import grpc']).status === 0
    ? false
    : `grpc's C core for Python (python3-grpcio) is not installed for ${PYTHON}`;

const DETAILS = 'nö ☃ 100%';
const BIG = Buffer.alloc(1_000_000, 'x');

/** A running peer.py and the lines it prints, awaited one at a time. */
class Peer {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  readonly child: ChildProcess;

  constructor(args: string[]) {
    this.child = spawn(PYTHON, [PEER, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (w) w(line);
      else this.lines.push(line);
    });
  }

  /** The next line the peer prints. */
  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Sends a client command and returns the peer's answer. */
  ask(command: string): Promise<string> {
    this.child.stdin!.write(`${command}\n`);
    return this.next();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill();
    await exited;
  }
}

/** A router (over TLS if given `tls`) with one route, clambda0 to `destination`. */
/** A C-core client gets back a short and a 1 MB message, and 100 concurrent calls all succeed. */
async function echoesShortBigAndMany(peer: Peer): Promise<void> {
  assert.equal(
    await peer.ask(`CALL /test.Peer/Echo ${Buffer.from('hello').toString('hex')} 5`),
    'OK 68656c6c6f',
  );
  assert.equal(await peer.ask(`CALL /test.Peer/Echo ${BIG.toString('hex')} 5`), `OK ${BIG.toString('hex')}`);
  assert.equal(await peer.ask('MANY /test.Peer/Echo 0102 100'), 'MANY 100');
}

async function routerTo(destination: string, tls?: TlsCredentials): Promise<RouterServer> {
  const router = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf: 'type=random',
    optimizerConf: 'type=none',
    router: parseRouterConf('max-pending-clients=0,min-forward-time=0,max-forward-time=0'),
    tls,
  });
  const config = new RpcClient('uiiit.rpc.EdgeRouter', router.configurationEndpoint, { tls });
  const ret = await config.call('Configure', {
    action: 'CHANGE',
    lambda: 'clambda0',
    destination,
    weight: 1,
    final: true,
  });
  config.close();
  assert.equal(ret.msg, 'OK');
  return router;
}

describe('a grpc C-core client calls our servers', { skip }, () => {
  let server: GrpcUnaryServer;
  let computer: ComputerServer;
  let router: RouterServer;
  let peer: Peer;
  let routerPeer: Peer;

  before(async () => {
    server = await GrpcUnaryServer.start('127.0.0.1:0', {
      '/test.Peer/Echo': (b) => b,
      '/test.Peer/Fail': () => {
        throw new StatusError(grpc.status.PERMISSION_DENIED, DETAILS);
      },
      '/test.Peer/Slow': (b) => new Promise((resolve) => setTimeout(() => resolve(b), 500)),
    });
    computer = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '',
      conf: 'type=intel-server',
    });
    router = await routerTo(computer.endpoint);
    peer = new Peer(['client', server.endpoint]);
    routerPeer = new Peer(['client', router.endpoint]);
  });
  after(async () => {
    await Promise.all([peer.stop(), routerPeer.stop()]);
    await Promise.all([server.stop(0), router.stop(), computer.stop()]);
  });

  test('echo of a short and a 1 MB message, and 100 concurrent calls', async () => {
    await echoesShortBigAndMany(peer);
  });

  test('statuses with UTF-8 details, unknown methods and deadlines', async () => {
    assert.equal(await peer.ask('CALL /test.Peer/Fail 00 5'), `ERR PERMISSION_DENIED ${DETAILS}`);
    assert.equal(
      await peer.ask('CALL /test.Peer/Nope 00 5'),
      'ERR UNIMPLEMENTED The server does not implement the method /test.Peer/Nope',
    );
    assert.match(await peer.ask('CALL /test.Peer/Slow 00 0.1'), /^ERR DEADLINE_EXCEEDED /);
    assert.equal(await peer.ask('CALL /test.Peer/Echo 0a0b 5'), 'OK 0a0b');
  });

  test('RunLambda through our router to our computer', async () => {
    const request = lambdaCodecs.request.encode(
      lambdaRequest({ name: 'clambda0', input: 'from the C core' }),
    );
    const answer = await routerPeer.ask(`CALL ${RUN_LAMBDA} ${request.toString('hex')} 5`);
    assert.match(answer, /^OK [0-9a-f]+$/);
    const res = lambdaCodecs.response.decode(Buffer.from(answer.slice(3), 'hex'));
    assert.equal(res.retcode, 'OK');
    assert.equal(res.output, 'from the C core');
    assert.equal(res.hops, 2);
    assert.equal(res.responder, computer.endpoint);
  });
});

describe('our channel and our router call a grpc C-core server', { skip }, () => {
  const reply = { ...errorResponse('OK', 7), output: 'from the C core' };
  let peer: Peer;
  let endpoint: string;
  let channel: GrpcUnaryChannel;

  before(async () => {
    peer = new Peer(['server', lambdaCodecs.response.encode(reply).toString('hex')]);
    endpoint = `127.0.0.1:${(await peer.next()).replace('PORT ', '')}`;
    channel = new GrpcUnaryChannel(endpoint);
  });
  after(async () => {
    channel.close();
    await peer.stop();
  });

  test('echo of a short and a 1 MB message, and 100 concurrent calls', async () => {
    assert.equal((await channel.call('/test.Peer/Echo', Buffer.from('hello'))).toString(), 'hello');
    assert.ok((await channel.call('/test.Peer/Echo', BIG)).equals(BIG));
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => channel.call('/test.Peer/Echo', Buffer.from(`${i}`))),
    );
    assert.deepEqual(
      replies.map((b) => b.toString()),
      Array.from({ length: 100 }, (_, i) => `${i}`),
    );
  });

  test('statuses with UTF-8 details and deadlines', async () => {
    await assert.rejects(channel.call('/test.Peer/Fail', Buffer.alloc(1)), {
      code: grpc.status.PERMISSION_DENIED,
      message: `RPC failed: ${DETAILS}`,
    });
    await assert.rejects(channel.call('/test.Peer/Nope', Buffer.alloc(1)), {
      code: grpc.status.UNIMPLEMENTED,
    });
    await assert.rejects(channel.call('/test.Peer/Slow', Buffer.alloc(1), 100), {
      code: grpc.status.DEADLINE_EXCEEDED,
    });
  });

  test('our router forwards to it: hops + 1, forward = true, the reply comes back with the responder', async () => {
    const router = await routerTo(endpoint);
    const client = new GrpcLambdaClient(router.endpoint);
    try {
      const res = await client.runLambda({ name: 'clambda0', input: 'to the C core' });
      assert.deepEqual(res, { ...reply, responder: endpoint });
      const line = await peer.next();
      assert.match(line, /^REQ [0-9a-f]+$/);
      const forwarded = lambdaCodecs.request.decode(Buffer.from(line.slice(4), 'hex'));
      assert.equal(forwarded.name, 'clambda0');
      assert.equal(forwarded.input, 'to the C core');
      assert.equal(forwarded.hops, 1);
      assert.equal(forwarded.forward, true);
    } finally {
      client.close();
      await router.stop();
    }
  });
});

const tlsSkip = skip || (await opensslMissing());

describe('over mutual TLS, a grpc C-core client calls our servers', { skip: tlsSkip }, () => {
  let certs: TestCertificates;
  let tls: TlsCredentials;
  let server: GrpcUnaryServer;
  let computer: ComputerServer;
  let router: RouterServer;
  let peer: Peer;
  let routerPeer: Peer;

  before(async () => {
    certs = await TestCertificates.create();
    tls = certs.credentials();
    server = await GrpcUnaryServer.start(
      '127.0.0.1:0',
      {
        '/test.Peer/Echo': (b) => b,
        '/test.Peer/Fail': () => {
          throw new StatusError(grpc.status.PERMISSION_DENIED, DETAILS);
        },
      },
      {},
      tls,
    );
    computer = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '',
      conf: 'type=intel-server',
      tls,
    });
    router = await routerTo(computer.endpoint, tls);
    peer = new Peer(['client', server.endpoint, 'tls', certs.dir]);
    routerPeer = new Peer(['client', router.endpoint, 'tls', certs.dir]);
  });
  after(async () => {
    await Promise.all([peer.stop(), routerPeer.stop()]);
    await Promise.all([server.stop(0), router.stop(), computer.stop()]);
    await certs.remove();
  });

  test('echo of a short and a 1 MB message, 100 concurrent calls, a status with UTF-8 details', async () => {
    await echoesShortBigAndMany(peer);
    assert.equal(await peer.ask('CALL /test.Peer/Fail 00 5'), `ERR PERMISSION_DENIED ${DETAILS}`);
  });

  test('a C-core client without a client certificate, or in clear, is refused: UNAVAILABLE', async () => {
    for (const args of [['tls-nocert', certs.dir], []]) {
      const stranger = new Peer(['client', server.endpoint, ...args]);
      try {
        assert.match(await stranger.ask('CALL /test.Peer/Echo 00 5'), /^ERR UNAVAILABLE /);
      } finally {
        await stranger.stop();
      }
    }
  });

  test('RunLambda through our secure router to our secure computer', async () => {
    const request = lambdaCodecs.request.encode(
      lambdaRequest({ name: 'clambda0', input: 'TLS from the C core' }),
    );
    const answer = await routerPeer.ask(`CALL ${RUN_LAMBDA} ${request.toString('hex')} 5`);
    assert.match(answer, /^OK [0-9a-f]+$/);
    const res = lambdaCodecs.response.decode(Buffer.from(answer.slice(3), 'hex'));
    assert.equal(res.retcode, 'OK');
    assert.equal(res.output, 'TLS from the C core');
    assert.equal(res.responder, computer.endpoint);
  });
});

describe('over mutual TLS, our channel and our router call a grpc C-core server', { skip: tlsSkip }, () => {
  const reply = { ...errorResponse('OK', 7), output: 'TLS from the C core' };
  let certs: TestCertificates;
  let tls: TlsCredentials;
  let peer: Peer;
  let endpoint: string;

  before(async () => {
    certs = await TestCertificates.create();
    tls = certs.credentials();
    peer = new Peer(['server', lambdaCodecs.response.encode(reply).toString('hex'), 'tls', certs.dir]);
    endpoint = `127.0.0.1:${(await peer.next()).replace('PORT ', '')}`;
  });
  after(async () => {
    await peer.stop();
    await certs.remove();
  });

  test('echo of a short and a 1 MB message and 100 concurrent calls; a status', async () => {
    const channel = new GrpcUnaryChannel(endpoint, tls);
    try {
      assert.equal((await channel.call('/test.Peer/Echo', Buffer.from('hello'))).toString(), 'hello');
      assert.ok((await channel.call('/test.Peer/Echo', BIG)).equals(BIG));
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) => channel.call('/test.Peer/Echo', Buffer.from(`${i}`))),
      );
      assert.deepEqual(
        replies.map((b) => b.toString()),
        Array.from({ length: 100 }, (_, i) => `${i}`),
      );
      await assert.rejects(channel.call('/test.Peer/Fail', Buffer.alloc(1)), {
        code: grpc.status.PERMISSION_DENIED,
        message: `RPC failed: ${DETAILS}`,
      });
    } finally {
      channel.close();
    }
  });

  test('the C-core server refuses our channel without a client certificate, or in clear: UNAVAILABLE', async () => {
    for (const c of [
      new GrpcUnaryChannel(endpoint, certs.credentials({ SOE_TLS_MUTUAL: '0' })),
      new GrpcUnaryChannel(endpoint),
    ]) {
      await assert.rejects(c.call('/test.Peer/Echo', Buffer.from('x')), { code: grpc.status.UNAVAILABLE });
      c.close();
    }
  });

  test('our secure router forwards to it over TLS', async () => {
    const router = await routerTo(endpoint, tls);
    const client = new GrpcLambdaClient(router.endpoint, { tls });
    try {
      const res = await client.runLambda({ name: 'clambda0', input: 'to the C core over TLS' });
      assert.deepEqual(res, { ...reply, responder: endpoint });
      const line = await peer.next();
      const forwarded = lambdaCodecs.request.decode(Buffer.from(line.slice(4), 'hex'));
      assert.equal(forwarded.input, 'to the C core over TLS');
      assert.equal(forwarded.hops, 1);
    } finally {
      client.close();
      await router.stop();
    }
  });
});
