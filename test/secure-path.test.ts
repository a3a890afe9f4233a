/**
 * `--secure` end to end in one process, every gRPC server and client over mutual TLS: a controller (and
 * its router installer), a computer (lambda and utilization servers, its registration), a router (lambda
 * and forwarding-table servers, its client pool and registration), a dispatcher probing over TLS, and
 * clients. Nothing in clear gets through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { startDispatcherServer, type DispatcherServer } from '../src/broker/dispatcher/dispatcher-server.js';
import { parseRouterConf } from '../src/broker/router-conf.js';
import { startRouterServer, type RouterServer } from '../src/broker/router/router-server.js';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { streamUtilization } from '../src/client/utilization-client.js';
import { ControllerRegistration } from '../src/controller/controller-registration.js';
import { ControllerServer } from '../src/controller/controller-server.js';
import { EdgeController } from '../src/controller/edge-controller.js';
import { RpcRouterInstaller } from '../src/controller/router-installer-rpc.js';
import { startComputerServer, type ComputerServer } from '../src/platform/computer-server.js';
import { RpcClient } from '../src/protocol/rpc-client.js';
import { opensslMissing, TestCertificates } from '../src/protocol/test-certificates.test-support.js';
import type { TlsCredentials } from '../src/protocol/tls-credentials.js';

const skip = await opensslMissing();
const ROUTER_CONF = parseRouterConf('max-pending-clients=2,min-forward-time=0,max-forward-time=0');

describe('a secure deployment: controller, computer, router, dispatcher', { skip }, () => {
  let certs: TestCertificates;
  let tls: TlsCredentials;
  let installer: RpcRouterInstaller;
  let controller: ControllerServer;
  let computer: ComputerServer;
  let router: RouterServer;
  let dispatcher: DispatcherServer;
  let registrations: ControllerRegistration[];

  before(async () => {
    certs = await TestCertificates.create();
    tls = certs.credentials();
    installer = new RpcRouterInstaller({ tls });
    controller = await ControllerServer.start('127.0.0.1:0', [new EdgeController({ installer })], tls);
    computer = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '127.0.0.1:0',
      conf: 'type=intel-server,num-containers=1,num-workers=1',
      samplePeriod: 0.1,
      tls,
    });
    router = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
      tableConf: 'type=random',
      optimizerConf: 'type=none',
      router: ROUTER_CONF,
      controllerEndpoint: controller.endpoint,
      tls,
    });
    dispatcher = await startDispatcherServer('127.0.0.1:0', '127.0.0.1:0', {
      ptimeEstConf: 'type=probe,max-clients=2,output=/dev/null',
      router: ROUTER_CONF,
      tls,
    });
    registrations = [
      new ControllerRegistration(
        controller.endpoint,
        {
          computer: {
            edgeServerEndpoint: computer.endpoint,
            containers: [{ name: 'ccontainer0', processor: 'xeon', lambda: 'clambda0', numWorkers: 1 }],
          },
        },
        { tls },
      ),
      new ControllerRegistration(
        controller.endpoint,
        {
          router: {
            edgeServerEndpoint: router.endpoint,
            forwardingTableEndpoint: router.configurationEndpoint,
          },
        },
        { tls },
      ),
    ];
    await Promise.all(registrations.map((r) => r.announced));
    await controller.idle();
  });
  after(async () => {
    await Promise.all(registrations.map((r) => r.unregister()));
    installer.close();
    await Promise.all([router.stop(), dispatcher.stop(), computer.stop()]);
    await controller.stop();
    await certs.remove();
  });

  test('the controller programmed the router over TLS; a secure client reaches the computer through it', async () => {
    const config = new RpcClient('uiiit.rpc.EdgeRouter', router.configurationEndpoint, { tls });
    try {
      const table = await config.call('GetTable', { value: 0 });
      assert.deepEqual(
        table.entries.map((e) => [e.lambda, e.destination]),
        [['clambda0', computer.endpoint]],
      );
    } finally {
      config.close();
    }
    const client = new GrpcLambdaClient(router.endpoint, { tls });
    try {
      const res = await client.runLambda({ name: 'clambda0', input: 'over TLS' });
      assert.equal(res.retcode, 'OK');
      assert.equal(res.output, 'over TLS');
      assert.equal(res.responder, computer.endpoint);
      assert.equal(res.hops, 2);
    } finally {
      client.close();
    }
  });

  test('the dispatcher probes and forwards over TLS', async () => {
    const config = new RpcClient('uiiit.rpc.EdgeRouter', dispatcher.configurationEndpoint, { tls });
    const client = new GrpcLambdaClient(dispatcher.endpoint, { tls });
    try {
      const { msg } = await config.call('Configure', {
        action: 'CHANGE',
        lambda: 'clambda0',
        destination: computer.endpoint,
        weight: 1,
        final: true,
      });
      assert.equal(msg, 'OK');
      const res = await client.runLambda({ name: 'clambda0', input: 'probed' });
      assert.equal(res.retcode, 'OK');
      assert.equal(res.responder, computer.endpoint);
    } finally {
      config.close();
      client.close();
    }
  });

  test('the utilization stream is served over TLS', async () => {
    const stop = new AbortController();
    for await (const sample of streamUtilization(computer.utilizationEndpoint, stop.signal, tls)) {
      assert.deepEqual(Object.keys(sample.values), ['xeon']);
      break;
    }
  });

  test('in clear, nothing gets through: lambda, forwarding table, controller, utilization', async () => {
    const client = new GrpcLambdaClient(router.endpoint);
    await assert.rejects(client.runLambda({ name: 'clambda0' }), { code: grpc.status.UNAVAILABLE });
    client.close();
    const config = new RpcClient('uiiit.rpc.EdgeRouter', router.configurationEndpoint);
    await assert.rejects(config.call('GetNumTables', {}), { code: grpc.status.UNAVAILABLE });
    config.close();
    const announce = new RpcClient('uiiit.rpc.EdgeController', controller.endpoint);
    await assert.rejects(announce.call('RemoveComputer', { edgeServerEndpoint: computer.endpoint }), {
      code: grpc.status.UNAVAILABLE,
    });
    announce.close();
    await assert.rejects(
      (async () => {
        for await (const sample of streamUtilization(computer.utilizationEndpoint)) return sample;
      })(),
      { code: grpc.status.UNAVAILABLE },
    );
  });
});
