import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRouterConf } from '../src/broker/router-conf.js';
import { startRouterServer } from '../src/broker/router/router-server.js';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { streamUtilization } from '../src/client/utilization-client.js';
import { ControllerRegistration } from '../src/controller/controller-registration.js';
import { ControllerServer } from '../src/controller/controller-server.js';
import { EdgeController } from '../src/controller/edge-controller.js';
import { RpcRouterInstaller } from '../src/controller/router-installer-rpc.js';
import { startComputerServer } from '../src/platform/computer-server.js';

// The original's TestLambdaTransactionGrpc.test_router_dispatcher (router part), in one process with
// real gRPC servers: controller (flat) + intel-server computer (1 container, 1 worker) + router
// (random, trivial), sequential clambda0 calls with 1000 A's.
test('client → router → computer, programmed by the controller', async () => {
  const installer = new RpcRouterInstaller();
  const controller = new EdgeController({ installer });
  const controllerServer = await ControllerServer.start('127.0.0.1:0', [controller]);
  const computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '127.0.0.1:0',
    conf: 'type=intel-server,num-containers=1,num-workers=1',
    samplePeriod: 0.5,
  });
  const router = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf: 'type=random',
    optimizerConf: 'type=trivial,period=10,stat=mean',
    router: parseRouterConf('max-pending-clients=2,min-forward-time=0,max-forward-time=0'),
    controllerEndpoint: controllerServer.endpoint,
  });
  const registrations = [
    new ControllerRegistration(controllerServer.endpoint, {
      computer: {
        edgeServerEndpoint: computer.endpoint,
        containers: [{ name: 'ccontainer0', processor: 'xeon', lambda: 'clambda0', numWorkers: 1 }],
      },
    }),
    new ControllerRegistration(controllerServer.endpoint, {
      router: { edgeServerEndpoint: router.endpoint, forwardingTableEndpoint: router.configurationEndpoint },
    }),
  ];
  await Promise.all(registrations.map((r) => r.announced));
  const samples: number[] = [];
  const stop = new AbortController();
  const watching = (async () => {
    for await (const u of streamUtilization(computer.utilizationEndpoint, stop.signal))
      samples.push(u.values.xeon!);
  })();
  const client = new GrpcLambdaClient(router.endpoint);
  const input = 'A'.repeat(1000);
  const gaps: number[] = [];
  try {
    await client.runLambda({ name: 'clambda0', input: 'warm-up' });
    samples.length = 0;
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const res = await client.runLambda({ name: 'clambda0', input });
      gaps.push(Math.abs(performance.now() - t0 - res.ptime));
      assert.equal(res.retcode, 'OK');
      assert.equal(res.responder, computer.endpoint);
      assert.equal(res.output, input);
      assert.equal(res.dataout.length, 0);
      assert.equal(res.hops, 2);
    }
  } finally {
    client.close();
    stop.abort();
    await watching;
    for (const r of registrations) await r.unregister();
    await router.stop();
    await computer.stop();
    await controllerServer.stop();
    installer.close();
  }
  gaps.sort((a, b) => a - b);
  assert.ok(gaps[4]! <= 10, `|latency - ptime| ${gaps.map((g) => g.toFixed(1)).join(', ')} ms`);
  // One of 20 cores busy; the first and last samples straddle the start and the end.
  const inner = samples.slice(1, -1);
  assert.ok(inner.length >= 2);
  for (const u of inner) assert.ok(Math.abs(u - 0.05) <= 0.01, `xeon utilization ${inner.join(', ')}`);
});
