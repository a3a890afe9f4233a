/**
 * Server side of the benchmarks, run as a child process so that client and server compete for the
 * cores as separate processes do in a deployment: `node dist/bench/servers.js echo|computer`,
 * `node dist/bench/servers.js jscomputer <functions folder> <js-conf>`, or
 * `node dist/bench/servers.js router [table-conf [optimizer-conf [router-conf [telemetry]]]]` (defaults `type=random`,
 * `type=none`, `max-pending-clients=0,min-forward-time=0,max-forward-time=0`, no telemetry: an unprogrammed
 * e-router; `telemetry` as `--telemetry` takes it), `node dist/bench/servers.js timeseries` (the timeseries
 * service, basic auth, embedded store in a temporary folder; prints its URL), or
 * `node dist/bench/servers.js wskproxy <broker> <management end-point> <UUID:KEY> [num-threads]` (prints its API root).
 * `node dist/bench/servers.js canned-activation` or `http-forwarder <broker>` (print their API root).
 * Lambda servers use the transport `SOE_LAMBDA_TRANSPORT` names (default `lean`).
 * Prints the bound endpoint on stdout (for a router: the lambda endpoint, a space, the configuration
 * endpoint), then serves until killed; SIGTERM and SIGINT exit cleanly, so that `node --cpu-prof` writes
 * its profile.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRouterConf } from '../src/broker/router-conf.js';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { activationResponse } from '../src/openwhisk/activation-record.js';
import { ApiKeys } from '../src/openwhisk/api-keys.js';
import { startWskProxy } from '../src/openwhisk/wsk-proxy.js';
import { startRouterServer } from '../src/broker/router/router-server.js';
import { routerFigures } from '../src/broker/broker-figures.js';
import { startComponentTelemetry } from '../src/telemetry/component-telemetry.js';
import { TrafficStats } from '../src/telemetry/traffic-stats.js';
import { startTimeseriesServer } from '../src/timeseries/api/serve.js';
import { FileTimeseriesStore } from '../src/timeseries/store-file.js';
import { startComputerServer, startTypedComputerServer } from '../src/platform/computer-server.js';
import type { JsComputerService } from '../src/platform/js/js-computer-type.js';
import { startLambdaServer } from '../src/protocol/edge-server.js';
import { errorResponse } from '../src/protocol/responses.js';

/**
 * A bare lambda server answering RunLambda with the input echoed, on the transport `SOE_LAMBDA_TRANSPORT`
 * names: the floor of an edge server on that transport.
 */
async function echo(): Promise<string> {
  const server = await startLambdaServer('127.0.0.1:0', (req) => ({
    ...errorResponse('OK', req.hops + 1),
    output: req.input,
  }));
  return server.endpoint;
}

/** The raspberry CPU with clambda0 (1.04 ms per 100-byte request) and a zero-cost lambda. */
async function computer(): Promise<string> {
  const lambda = (name: string, opCoeff: number, opOffset: number, memCoeff: number) => ({
    name,
    requirements: 'proportional',
    'output-type': 'copy-input',
    'op-coeff': opCoeff,
    'op-offset': opOffset,
    'mem-coeff': memCoeff,
    'mem-offset': 0,
  });
  const profile = {
    version: '1.0',
    processors: [{ name: 'arm', type: 'GenericCpu', speed: 1e11, cores: 4, memory: 536870912 }],
    containers: [
      { name: 'ccontainer0', processor: 'arm', 'num-workers': 4, lambda: lambda('clambda0', 1e6, 4e6, 100) },
      { name: 'zcontainer', processor: 'arm', 'num-workers': 64, lambda: lambda('zero', 0, 0, 0) },
    ],
  };
  const path = join(mkdtempSync(join(tmpdir(), 'soe-bench-')), 'profile.json');
  writeFileSync(path, JSON.stringify(profile));
  const server = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: `type=file,path=${path}`,
  });
  return server.endpoint;
}

/**
 * A js computer serving the functions of a folder with a `--js-conf`, its management API on loopback:
 * prints the lambda endpoint, a space, the management endpoint.
 */
async function jsComputer(functions: string, jsConf: string): Promise<string> {
  const server = await startTypedComputerServer({
    type: 'js',
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    settings: { functions, 'js-conf': jsConf, 'management-endpoint': '127.0.0.1:0' },
  });
  const { management } = server.computer as JsComputerService;
  return `${server.endpoint} ${management!.endpoint}`;
}

/**
 * An e-router on loopback with empty tables (program them with EdgeRouter.Configure); with `telemetry`
 * (`--telemetry`'s text), counting its traffic and writing it as `soe router --telemetry` does.
 */
async function router(
  tableConf: string,
  optimizerConf: string,
  routerConf: string,
  telemetry: string,
): Promise<string> {
  const traffic = telemetry === '' ? undefined : new TrafficStats();
  const server = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf,
    optimizerConf,
    router: parseRouterConf(routerConf),
    traffic,
  });
  if (traffic !== undefined) {
    await startComponentTelemetry({
      type: 'edge-router',
      name: server.endpoint,
      source: routerFigures(server.router, traffic),
      telemetry,
    });
  }
  return `${server.endpoint} ${server.configurationEndpoint}`;
}

/**
 * A node:http server answering every request with an activation record (as wskproxy's for a successful
 * blocking invocation) whose result is the request's JSON body, at once (no `broker`), or, given a
 * `broker`, the output of `guest.echo` called there with the body as input through edgeclient's library:
 * the floors of an OpenWhisk API front, to tell a client library's own cost, and wskproxy's, from the
 * price of one more process on the path.
 */
async function minimalFront(broker?: string): Promise<string> {
  const client = broker === undefined ? undefined : new GrpcLambdaClient(broker);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const input = Buffer.concat(chunks).toString();
      const output = client?.runLambda({ name: 'guest.echo', input }).then((r) => r.output);
      void Promise.resolve(output ?? input).then((result) => {
        const now = Date.now();
        const record = {
          namespace: 'guest',
          name: 'echo',
          version: '0.0.1',
          subject: 'guest',
          activationId: randomUUID().replaceAll('-', ''),
          publish: false,
          start: now,
          end: now,
          duration: 0,
          logs: [],
          annotations: [{ key: 'path', value: 'guest/echo' }],
          response: activationResponse('success', JSON.parse(result || '{}')),
        };
        const body = Buffer.from(JSON.stringify(record));
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
          .end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The timeseries service on loopback (basic auth), its data in a temporary folder. */
async function timeseries(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-timeseries-'));
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const store = new FileTimeseriesStore({ dataDir });
  await store.open();
  const server = await startTimeseriesServer({ listen: '127.0.0.1:0', store, auth: 'basic' });
  return server.url;
}

/** A wskproxy invoking `broker`, deploying to the js computer at `management`, with one API key (namespace guest). */
async function wskproxy(
  broker: string,
  management: string,
  key: string,
  numThreads: number,
): Promise<string> {
  const server = await startWskProxy('http://127.0.0.1:0', {
    serverEndpoint: broker,
    numThreads,
    keys: ApiKeys.parse(key),
    managementEndpoints: [management],
  });
  return server.apiRoot;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
const [kind, ...args] = process.argv.slice(2);
const endpoint =
  kind === 'echo'
    ? await echo()
    : kind === 'computer'
      ? await computer()
      : kind === 'jscomputer'
        ? await jsComputer(args[0] ?? '', args[1] ?? '')
        : kind === 'router'
          ? await router(
              args[0] ?? 'type=random',
              args[1] ?? 'type=none',
              args[2] ?? 'max-pending-clients=0,min-forward-time=0,max-forward-time=0',
              args[3] ?? '',
            )
          : kind === 'wskproxy'
            ? await wskproxy(args[0] ?? '', args[1] ?? '', args[2] ?? '', Number(args[3] ?? 8))
            : kind === 'timeseries'
              ? await timeseries()
              : kind === 'canned-activation'
                ? await minimalFront()
                : kind === 'http-forwarder'
                  ? await minimalFront(args[0] ?? '')
                  : undefined;
if (endpoint === undefined)
  throw new Error(
    'usage: servers.js echo|computer|jscomputer <functions> <js-conf>|router [table-conf [optimizer-conf [router-conf [telemetry]]]]' +
      '|wskproxy <broker> <management> <UUID:KEY> [num-threads]|timeseries|canned-activation|http-forwarder <broker>',
  );
process.stdout.write(`${endpoint}\n`);
