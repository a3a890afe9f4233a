import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { streamUtilization } from '../client/utilization-client.js';
import { startTypedComputerServer, type EdgeComputerServer } from './computer-server.js';
import { COMPUTER_TYPE_EXAMPLES, type ComputerTypeExample } from './computer-type-examples.test-support.js';
import { computerTypes } from './computer-types.js';

/** True if `x` is a load figure of a response: a whole percentage in [0, 100]. */
function isLoad(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x <= 100;
}

for (const type of computerTypes.names()) {
  describe(`Computer type contract: ${type}`, () => {
    let example: ComputerTypeExample;
    let server: EdgeComputerServer;
    let client: GrpcLambdaClient;

    before(async () => {
      const make = COMPUTER_TYPE_EXAMPLES[type];
      assert.ok(make !== undefined, `no example of computer type ${type} in computer-type-examples`);
      example = await make();
      server = await startTypedComputerServer({
        type,
        serverEndpoint: '127.0.0.1:0',
        utilizationEndpoint: '127.0.0.1:0',
        samplePeriod: 0.1,
        settings: example.settings,
      });
      client = new GrpcLambdaClient(server.endpoint);
    });

    after(async () => {
      client?.close();
      await server?.stop();
      await example?.cleanup?.();
    });

    test('is named after its bound end-point and announces one container per lambda, sorted', () => {
      assert.equal(server.computer.name, `computer@${server.endpoint}`);
      const containers = server.computer.containers();
      const lambdas = containers.map((c) => c.lambda);
      assert.ok(lambdas.includes(example.lambda), `containers ${JSON.stringify(containers)}`);
      assert.deepEqual(lambdas, [...new Set(lambdas)].sort());
      for (const c of containers) {
        assert.ok(c.name !== '' && c.processor !== '', JSON.stringify(c));
        assert.ok(Number.isInteger(c.numWorkers) && c.numWorkers >= 1, JSON.stringify(c));
      }
      assert.ok(server.computer.describe().length > 0);
    });

    test('a call answers the output, one more hop and a whole ptime', async () => {
      const res = await client.runLambda({ name: example.lambda, input: example.input, hops: 2 });
      assert.equal(res.retcode, 'OK');
      assert.equal(res.output, example.output);
      assert.equal(res.hops, 3);
      assert.ok(Number.isInteger(res.ptime) && res.ptime >= 0, `ptime ${res.ptime}`);
      for (const load of [res.load1, res.load10, res.load30]) assert.ok(isLoad(load), `load ${load}`);
    });

    test('a dry run answers an estimate and loads, and no output', async () => {
      const res = await client.runLambda({ name: example.lambda, input: example.input }, true);
      assert.equal(res.retcode, 'OK');
      assert.equal(res.output, '');
      assert.equal(res.hops, 1);
      assert.ok(Number.isInteger(res.ptime) && res.ptime >= 0, `ptime ${res.ptime}`);
      for (const load of [res.load1, res.load10, res.load30]) assert.ok(isLoad(load), `load ${load}`);
    });

    test('an unknown lambda gets the type’s retcode, for real and dry calls', async () => {
      const expected = example.unknownRetcode('no-such-lambda', server.computer.name);
      for (const dry of [false, true]) {
        const res = await client.runLambda({ name: 'no-such-lambda', input: example.input }, dry);
        assert.equal(res.retcode, expected);
        assert.equal(res.output, '');
        assert.equal(res.hops, 1);
      }
    });

    test('streams utilization samples in [0, 1]', async () => {
      const abort = new AbortController();
      let samples = 0;
      for await (const { values } of streamUtilization(server.utilizationEndpoint, abort.signal)) {
        assert.ok(Object.keys(values).length > 0, 'an empty sample');
        for (const [name, v] of Object.entries(values)) assert.ok(v >= 0 && v <= 1, `${name}: ${v}`);
        if (++samples === 2) abort.abort();
      }
      assert.equal(samples, 2);
    });
  });
}

describe('Computer type registry', () => {
  test("an unknown type, Object.prototype's keys included, is `unknown edge computer type: <t>`", async () => {
    for (const type of ['nosuch', 'toString', '__proto__']) {
      await assert.rejects(
        startTypedComputerServer({
          type,
          serverEndpoint: '127.0.0.1:0',
          utilizationEndpoint: '',
          settings: {},
        }),
        { message: `unknown edge computer type: ${type}` },
      );
    }
  });
});
