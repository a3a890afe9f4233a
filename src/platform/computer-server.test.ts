import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { startComputerServer } from './computer-server.js';
import { UtilizationLog } from './utilization-log.test-support.js';

// On the wall clock with real gRPC: a loaded machine delays timers and calls, so this test asserts what
// delays cannot change (ptime within the latency and never below the model's time, the stream carrying the
// computer's samples, the busy time they add up to). The model's exact times and the 0.05 of one busy
// core of 20 are asserted on a simulated clock in computer.test.ts.
test('intel-server: ptime within the measured latency, one busy core of 20 streamed as its busy time', async () => {
  const server = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '127.0.0.1:0',
    conf: 'type=intel-server,num-containers=1,num-workers=1',
    samplePeriod: 0.5,
  });
  const log = new UtilizationLog(server.computer, server.utilizationEndpoint);
  const client = new GrpcLambdaClient(server.endpoint);
  const input = 'A'.repeat(1000);
  const calls: { latency: number; ptime: number }[] = [];
  let busy: number | undefined; // core-seconds
  try {
    await client.runLambda({ name: 'clambda0', input }, true); // connect first: latency excludes the handshake
    await log.live();
    const from = log.taken.length - 1; // a sample before the first request
    // 1e6·1000 + 4e6 ops at 4e9 ops/s: 251 ms each, back to back.
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const res = await client.runLambda({ name: 'clambda0', input });
      calls.push({ latency: performance.now() - t0, ptime: res.ptime });
      assert.equal(res.retcode, 'OK');
      assert.equal(res.output, input);
      assert.equal(res.responder, '');
      assert.equal(res.dataout.length, 0);
    }
    await log.next(); // a sample after the last completion
    busy = log.busyCoreSeconds('xeon', 20, from, log.taken.length - 1);
  } finally {
    client.close();
    await log.close();
    await server.stop();
  }
  const text = calls.map((c) => `${c.ptime}/${c.latency.toFixed(1)}`).join(', ');
  for (const { latency, ptime } of calls) {
    // A late timer delays the delivery (ptime above 251), never advances it; the call contains it.
    assert.ok(ptime >= 251 && ptime <= latency + 0.5, `ptime/latency ms: ${text}`);
  }
  assert.deepEqual(log.streamed, log.sentAsFloats());
  for (const s of log.taken) assert.ok(s.values.xeon! <= 0.05 + 1e-12, `xeon utilization ${s.values.xeon}`);
  // One core of 20 busy for 8 × 0.251 s, in whichever samples the requests fell.
  assert.ok(busy !== undefined && Math.abs(busy - 8 * 0.251) < 1e-9, `busy core-seconds ${busy}`);
});

test('dry requests return the estimate without executing anything', async () => {
  const server = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
  });
  const client = new GrpcLambdaClient(server.endpoint);
  try {
    // 1e6·10000 + 4e6 ops at 1e11: 100.04 ms, truncated.
    const res = await client.runLambda({ name: 'clambda0', input: 'A'.repeat(10000) }, true);
    assert.equal(res.retcode, 'OK');
    assert.equal(res.ptime, 100);
    assert.equal(res.hops, 1);
    assert.equal(res.output, '');
    assert.equal(
      server.computer.containerList().every((c) => c.activeCount === 0),
      true,
    );
  } finally {
    client.close();
    await server.stop();
  }
});
