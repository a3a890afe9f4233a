import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import type { LambdaCall } from '../../protocol/lambda-transport.js';
import { lambdaRequest } from '../../protocol/requests.js';
import { serveComputer } from '../computer-server.js';
import { FakeFaas, freePort } from './fake-faas.test-support.js';
import { HttpComputer } from './http-computer.js';
import { parseHttpConf } from './http-conf.js';

/** An http computer of a conf, sampling no utilization. */
function httpComputer(conf: string): HttpComputer {
  return new HttpComputer('computer@test', parseHttpConf(conf), 0);
}

/** The LambdaCall of a client that gives up when `signal` aborts. */
function callOf(signal: AbortSignal): LambdaCall {
  return {
    signal,
    deadline: undefined,
    onAbort(listener) {
      const on = (): void => listener(signal.reason as Error);
      signal.addEventListener('abort', on, { once: true });
      return () => signal.removeEventListener('abort', on);
    },
  };
}

/** A gateway answering every function with its input twice, as the original's unit test does. */
const twice = (req: { body: string }): { status: number; body: string } => ({
  status: 200,
  body: req.body + req.body,
});

test('TestEdgeComputerHttp.test_sync_server: an error before the gateway exists, then abc -> abcabc', async () => {
  const port = await freePort();
  const conf = parseHttpConf(`gateway-url=http://127.0.0.1:${port}/,num-clients=1`);
  const server = await serveComputer({ serverEndpoint: '127.0.0.1:0', utilizationEndpoint: '' }, (name) =>
    Promise.resolve(new HttpComputer(name, conf, 0)),
  );
  const client = new GrpcLambdaClient(server.endpoint);
  let gateway: FakeFaas | undefined;
  try {
    const fail = await client.runLambda({ name: 'lambda1', input: 'abc' });
    assert.equal(fail.retcode, `exception caught: cannot connect to 127.0.0.1:${port}: connection refused`);
    assert.equal(fail.output, '');
    assert.equal(fail.hops, 1);

    gateway = await FakeFaas.start(twice, port);
    const ok = await client.runLambda({ name: 'lambda1', input: 'abc' });
    assert.equal(ok.retcode, 'OK');
    assert.equal(ok.output, 'abcabc');
    assert.equal(ok.responder, '');
    assert.equal(ok.hops, 1);
    assert.deepEqual([ok.load1, ok.load10, ok.load30], [0, 0, 0]);
    assert.deepEqual(gateway.requests, [
      { method: 'POST', url: '/function/lambda1', contentType: 'text/plain; charset=utf-8', body: 'abc' },
    ]);
  } finally {
    client.close();
    await server.stop();
    await gateway?.stop();
  }
});

/** Runs `body` with a gateway and an http computer on it (`conf` after the gateway URL). */
async function withGateway(
  handler: Parameters<typeof FakeFaas.start>[0],
  conf: string,
  body: (gateway: FakeFaas, computer: HttpComputer) => Promise<void>,
): Promise<void> {
  const gateway = await FakeFaas.start(handler);
  const computer = httpComputer(conf.replaceAll('<gateway>', gateway.url));
  try {
    await body(gateway, computer);
  } finally {
    await computer.stop();
    await gateway.stop();
  }
}

test('OpenFaaS: a status other than 200 is the original error, with no output', async () => {
  await withGateway(
    () => ({ status: 404, body: 'Not Found' }),
    'gateway-url=<gateway>',
    async (_, computer) => {
      const res = await computer.process(lambdaRequest({ name: 'nope', input: 'x', hops: 2 }));
      assert.equal(res.retcode, 'error HTTP response received (404)');
      assert.equal(res.output, '');
      assert.equal(res.hops, 3);
    },
  );
});

test('OpenFaaS: the name is URL-encoded, so it cannot reach another path of the gateway', async () => {
  await withGateway(twice, 'gateway-url=<gateway>', async (gateway, computer) => {
    await computer.process(lambdaRequest({ name: '../system/functions?x=1', input: '' }));
    assert.equal(gateway.requests[0]!.url, '/function/..%2Fsystem%2Ffunctions%3Fx%3D1');
  });
});

test('dry requests are OK with ptime 0 and call nothing', async () => {
  await withGateway(twice, 'gateway-url=<gateway>', async (gateway, computer) => {
    const res = await computer.process(lambdaRequest({ name: 'f', input: 'abc', dry: true }));
    assert.deepEqual([res.retcode, res.output, res.ptime, res.hops], ['OK', '', 0, 1]);
    assert.equal(gateway.requests.length, 0);
  });
});

test('requests the computer cannot serve get the sim computer’s retcodes', async () => {
  await withGateway(twice, 'gateway-url=<gateway>', async (gateway, computer) => {
    const res = await computer.process(lambdaRequest({ name: 'f', callback: '127.0.0.1:1' }));
    assert.equal(res.retcode, 'Cannot handle an asynchronous function invocation');
    assert.equal(gateway.requests.length, 0);
  });
});

test('a gateway that never answers fails the call after the timeout', async () => {
  await withGateway(
    () => undefined,
    'gateway-url=<gateway>,timeout=0.2',
    async (gateway, computer) => {
      const res = await computer.process(lambdaRequest({ name: 'slow', input: 'x' }));
      assert.equal(
        res.retcode,
        `exception caught: no response from http://127.0.0.1:${gateway.port}/function/slow within 0.2 s`,
      );
      assert.equal(res.output, '');
    },
  );
});

test('a response larger than max-response-size fails the call, declared or streamed', async () => {
  const chunked = (_: unknown, res: http.ServerResponse): undefined => {
    res.writeHead(200);
    res.write('123456');
    res.end('78901');
    return undefined;
  };
  for (const handler of [() => ({ status: 200, body: '12345678901' }), chunked]) {
    await withGateway(handler, 'gateway-url=<gateway>,max-response-size=10', async (gateway, computer) => {
      const res = await computer.process(lambdaRequest({ name: 'big', input: 'x' }));
      assert.equal(
        res.retcode,
        `exception caught: response from http://127.0.0.1:${gateway.port}/function/big larger than 10 bytes`,
      );
    });
  }
  await withGateway(
    () => ({ status: 200, body: '1234567890' }),
    'gateway-url=<gateway>,max-response-size=10',
    async (_, computer) => {
      const res = await computer.process(lambdaRequest({ name: 'big', input: 'x' }));
      assert.deepEqual([res.retcode, res.output], ['OK', '1234567890']);
    },
  );
});

test('a connection lost in the middle of the answer fails the call', async () => {
  await withGateway(
    (_, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.destroy());
      return undefined;
    },
    'gateway-url=<gateway>',
    async (gateway, computer) => {
      const res = await computer.process(lambdaRequest({ name: 'f', input: 'x' }));
      assert.match(
        res.retcode,
        new RegExp(`^exception caught: connection to 127\\.0\\.0\\.1:${gateway.port} lost: `),
      );
      assert.equal(res.output, '');
    },
  );
});

test('num-clients bounds the calls in flight; max-queued bounds those waiting', async () => {
  const held: http.ServerResponse[] = [];
  await withGateway(
    (req, res) => {
      held.push(res);
      res.writeHead(200);
      res.write(req.body);
      return undefined;
    },
    'gateway-url=<gateway>,num-clients=2,max-queued=3',
    async (gateway, computer) => {
      const calls = [1, 2, 3, 4, 5].map((i) => computer.process(lambdaRequest({ name: 'f', input: `${i}` })));
      await gateway.received(2);
      const over = await computer.process(lambdaRequest({ name: 'f', input: '6' }));
      assert.equal(over.retcode, 'Too many requests waiting for an HTTP client (3, at most 3)');
      // Answer one at a time: each answer lets one waiting request in.
      for (let n = 0; n < 5; n++) {
        await gateway.received(Math.min(n + 2, 5));
        held[n]!.end();
      }
      const results = await Promise.all(calls);
      assert.deepEqual(
        results.map((r) => [r.retcode, r.output]),
        [1, 2, 3, 4, 5].map((i) => ['OK', `${i}`]),
      );
      assert.equal(gateway.maxInFlight, 2);
      assert.deepEqual(
        gateway.requests.map((r) => r.body),
        ['1', '2', '3', '4', '5'],
      );
    },
  );
});

test('a client gone cancels its HTTP call', async () => {
  await withGateway(
    () => undefined,
    'gateway-url=<gateway>',
    async (gateway, computer) => {
      const abort = new AbortController();
      const call = computer.process(lambdaRequest({ name: 'f', input: 'x' }), callOf(abort.signal));
      await gateway.received(1);
      assert.equal(gateway.inFlight, 1);
      abort.abort(new Error('client gone'));
      const res = await call;
      assert.equal(
        res.retcode,
        `exception caught: call to http://127.0.0.1:${gateway.port}/function/f cancelled: client gone`,
      );
    },
  );
});

test('generic: JSON to the URL of the template, the JSON answer as output', async () => {
  await withGateway(
    (req) => ({ status: 200, body: JSON.stringify({ got: JSON.parse(req.body) as unknown, at: req.url }) }),
    'type=generic,url-template=<gateway>fn/{name}/invoke',
    async (gateway, computer) => {
      const res = await computer.process(lambdaRequest({ name: 'echo', input: '{"a":1}' }));
      assert.equal(res.retcode, 'OK');
      assert.equal(res.output, '{"got":{"a":1},"at":"/fn/echo/invoke"}');
      assert.equal(gateway.requests[0]!.contentType, 'application/json');
    },
  );
});

test('generic: input and answers that are not JSON, and error answers, get clear retcodes', async () => {
  await withGateway(
    (req) =>
      req.url === '/text'
        ? { status: 200, body: 'plain text' }
        : { status: 502, body: `{"error":\n"boom ${'x'.repeat(300)}"}` },
    'type=generic,url-template=<gateway>{name}',
    async (gateway, computer) => {
      const bad = await computer.process(lambdaRequest({ name: 'text', input: 'abc' }));
      assert.match(bad.retcode, /^invalid input: not JSON \(.+\)$/);
      assert.equal(gateway.requests.length, 0);
      const text = await computer.process(lambdaRequest({ name: 'text', input: '{}' }));
      assert.match(text.retcode, /^invalid response: body is not JSON \(.+\)$/);
      assert.equal(text.output, '');
      const err = await computer.process(lambdaRequest({ name: 'fails', input: '{}' }));
      assert.equal(err.retcode, `error HTTP response received (502): {"error": "boom ${'x'.repeat(184)}…`);
    },
  );
});

test('generic: a functions file names each function’s URL; others use the template or are unknown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-http-'));
  await withGateway(
    (req) => ({ status: 200, body: JSON.stringify(req.url) }),
    'type=generic,url-template=<gateway>{name}',
    async (gateway) => {
      const file = join(dir, 'functions.json');
      writeFileSync(file, JSON.stringify({ hello: `${gateway.url}a/hello`, 'x y': `${gateway.url}b` }));
      const only = httpComputer(`type=generic,functions=${file}`);
      const both = httpComputer(`type=generic,functions=${file},url-template=${gateway.url}t/{name}`);
      try {
        assert.deepEqual(only.containers(), [
          { name: 'hello', processor: 'http', lambda: 'hello', numWorkers: 5 },
          { name: 'x y', processor: 'http', lambda: 'x y', numWorkers: 5 },
        ]);
        const outputs = async (c: HttpComputer, name: string): Promise<string[]> => {
          const r = await c.process(lambdaRequest({ name, input: 'null' }));
          return [r.retcode, r.output];
        };
        assert.deepEqual(await outputs(only, 'hello'), ['OK', '"/a/hello"']);
        assert.deepEqual(await outputs(only, 'x y'), ['OK', '"/b"']);
        assert.deepEqual(await outputs(only, 'other'), ['unknown function: other', '']);
        assert.deepEqual(await outputs(only, '__proto__'), ['unknown function: __proto__', '']);
        assert.deepEqual(await outputs(both, 'hello'), ['OK', '"/a/hello"']);
        assert.deepEqual(await outputs(both, 'other'), ['OK', '"/t/other"']);
      } finally {
        await only.stop();
        await both.stop();
      }
    },
  );
});

test('generic: a dry run of an unknown function gets its retcode too', async () => {
  await withGateway(twice, 'type=generic,url-template=<gateway>{name}', async (gateway) => {
    const dir = mkdtempSync(join(tmpdir(), 'soe-http-'));
    const file = join(dir, 'functions.json');
    writeFileSync(file, JSON.stringify({ f: `${gateway.url}f` }));
    const computer = httpComputer(`type=generic,functions=${file}`);
    try {
      for (const dry of [true, false]) {
        const res = await computer.process(lambdaRequest({ name: 'g', input: '{}', dry }));
        assert.equal(res.retcode, 'unknown function: g');
      }
      const res = await computer.process(lambdaRequest({ name: 'f', input: 'not json', dry: true }));
      assert.deepEqual([res.retcode, res.ptime], ['OK', 0]);
    } finally {
      await computer.stop();
    }
  });
});

test('the utilization stream is the busy fraction of the HTTP clients', async () => {
  const held: http.ServerResponse[] = [];
  const gateway = await FakeFaas.start((_, res) => {
    held.push(res);
    return undefined;
  });
  const computer = new HttpComputer(
    'computer@test',
    parseHttpConf(`gateway-url=${gateway.url},num-clients=2`),
    0.05,
  );
  const samples: number[] = [];
  let wake = (): void => undefined;
  const unsubscribe = computer.onUtilization((values) => {
    assert.deepEqual(Object.keys(values), ['http']);
    samples.push(values.http!);
    wake();
  });
  const moreSamples = async (n: number): Promise<void> => {
    const target = samples.length + n;
    while (samples.length < target) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    const call = computer.process(lambdaRequest({ name: 'f', input: 'x' }));
    await gateway.received(1);
    await moreSamples(3); // the last two saw one client of two busy all along
    assert.ok(Math.abs(samples.at(-1)! - 0.5) < 1e-9, `samples ${samples.join(' ')}`);
    held[0]!.writeHead(200).end('done');
    assert.equal((await call).output, 'done');
    await moreSamples(2);
    assert.equal(samples.at(-1), 0);
  } finally {
    unsubscribe();
    await computer.stop();
    await gateway.stop();
  }
});
