import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRouterConf } from '../src/broker/router-conf.js';
import { startRouterServer } from '../src/broker/router/router-server.js';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { ControllerRegistration } from '../src/controller/controller-registration.js';
import { ControllerServer } from '../src/controller/controller-server.js';
import { EdgeController } from '../src/controller/edge-controller.js';
import { RpcRouterInstaller } from '../src/controller/router-installer-rpc.js';
import { startComputerServer } from '../src/platform/computer-server.js';
import { UtilizationLog } from '../src/platform/utilization-log.test-support.js';

// The original's TestLambdaTransactionGrpc.test_router_dispatcher (router part), in one process with
// real gRPC servers: controller (flat) + intel-server computer (1 container, 1 worker) + router
// (random, trivial), sequential clambda0 calls with 1000 A's. The original bounds |latency - ptime| by
// 10 ms and each utilization sample to 0.05 ± 0.01; on a loaded machine calls and timers run late, so this
// asserts what delays cannot change: ptime within the latency and never below the model's 251 ms, and the
// streamed samples adding up to the requests' busy time.
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
  const log = new UtilizationLog(computer.computer, computer.utilizationEndpoint);
  const client = new GrpcLambdaClient(router.endpoint);
  const input = 'A'.repeat(1000);
  const calls: { latency: number; ptime: number }[] = [];
  let busy: number | undefined; // core-seconds
  try {
    await client.runLambda({ name: 'clambda0', input: 'warm-up' });
    await log.live();
    await log.next(); // a sample after the warm-up's completion, before the first request
    const from = log.taken.length - 1;
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const res = await client.runLambda({ name: 'clambda0', input });
      calls.push({ latency: performance.now() - t0, ptime: res.ptime });
      assert.equal(res.retcode, 'OK');
      assert.equal(res.responder, computer.endpoint);
      assert.equal(res.output, input);
      assert.equal(res.dataout.length, 0);
      assert.equal(res.hops, 2);
    }
    await log.next(); // a sample after the last completion
    busy = log.busyCoreSeconds('xeon', 20, from, log.taken.length - 1);
  } finally {
    client.close();
    await log.close();
    for (const r of registrations) await r.unregister();
    await router.stop();
    await computer.stop();
    await controllerServer.stop();
    installer.close();
  }
  const text = calls.map((c) => `${c.ptime}/${c.latency.toFixed(1)}`).join(', ');
  for (const { latency, ptime } of calls) {
    assert.ok(ptime >= 251 && ptime <= latency + 0.5, `ptime/latency ms: ${text}`);
  }
  assert.deepEqual(log.streamed, log.sentAsFloats());
  // One of 20 cores busy for 8 × 0.251 s (1e6·1000 + 4e6 ops at 4e9 ops/s each).
  assert.ok(busy !== undefined && Math.abs(busy - 8 * 0.251) < 1e-9, `busy core-seconds ${busy}`);
});
