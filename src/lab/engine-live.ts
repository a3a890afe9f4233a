import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { Deployment } from '../deploy/deployment.js';
import { parseTopology, type CommandCatalog } from '../deploy/topology.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { monotonicSeconds, sleepUntil } from '../support/clock.js';
import type { LambdaResponse } from '../protocol/messages.js';
import { runApplication } from './application-run.js';
import { computerDescription } from './computer-profile.js';
import type { RunPolicy, RunResult } from './engine-virtual.js';
import type { BrokerConf, Experiment } from './experiment.js';
import type { Engine } from './lab-run.js';
import { withoutOutput } from './lab-broker.js';
import { jsRequest, labRequest } from './lab-request.js';
import { labTopology } from './topology.js';
import { generateArrivals } from './workload.js';

/** The options of a broker process of a policy, listening on `host` (any free ports). */
function brokerOptions(conf: BrokerConf, routerConf: string, host: string): Record<string, string> {
  const common = {
    'server-endpoint': `${host}:0`,
    'configuration-endpoint': `${host}:0`,
    'router-conf': routerConf,
  };
  return conf.kind === 'router'
    ? { ...common, 'table-conf': conf.tableConf, 'optimizer-conf': conf.optimizerConf }
    : { ...common, 'ptimeest-conf': withoutOutput(conf.ptimeEstConf) };
}

/** The lambda and configuration endpoints a broker logged (`... listening on X, configuration on Y`). */
function brokerEndpoints(listening: string): { lambda: string; configuration: string } {
  const m = /^(\S+), configuration on (\S+)/.exec(listening);
  if (m === null) throw new Error(`Cannot read a broker's endpoints from '${listening}'`);
  return { lambda: m[1]!, configuration: m[2]! };
}

/** Adds destinations of every lab function to a broker's table over its EdgeRouter service, as a controller would (weight 1). */
async function program(
  configuration: string,
  lambdas: readonly string[],
  destinations: { name: string; final: boolean }[],
): Promise<void> {
  const rpc = new RpcClient('uiiit.rpc.EdgeRouter', configuration);
  try {
    for (const lambda of lambdas)
      for (const d of destinations) {
        const reply = await rpc.call(
          'Configure',
          { action: 'CHANGE', lambda, destination: d.name, weight: 1, final: d.final },
          { timeoutMs: 5000 },
        );
        if (reply.msg !== 'OK') throw new Error(`Cannot program broker ${configuration}: ${reply.msg}`);
      }
  } finally {
    rpc.close();
  }
}

/**
 * Fails if the live engine cannot run an experiment: hop-by-hop applications run in virtual time only
 * (live, they would need asynchronous computers whose companion is the policy's broker, a callback
 * server in the client and state servers for the DAG joins; not built).
 */
export function assertLiveRunnable(e: Experiment): void {
  if (e.application.mode === 'hop-by-hop')
    throw new Error(
      `${e.name}: application.mode: hop-by-hop runs in virtual time only (--engine virtual); ` +
        'the live engine runs applications client-driven',
    );
}

/**
 * Runs one policy at one offered load with real processes on loopback, as `soe up` starts them: a
 * computer per lab computer (a JSON profile written from the experiment, each on its own loopback
 * address 127.0.0.<10+i> so that their endpoints sort in the lab's order, as brokers break ties by name),
 * the policy's broker(s) programmed over their configuration service (second-tier brokers on
 * 127.0.1.<10+b>), and a client in this process sending the experiment's arrivals on the wall clock and
 * timing each request (one run of the application: its functions called client-driven through the top
 * broker, see {@link runApplication}, from the arrival to the last call's return). With `lambda.js` the computers are js computers running that function (one container
 * per worker, called with `{size}`) instead of simulated ones. For small scenarios (it runs in real time, at most 80 computers); the oracle cannot
 * run live.
 */
export function liveEngine(commands: CommandCatalog): Engine {
  return (e, policy, loadIndex) => runLive(commands, e, policy, loadIndex);
}

async function runLive(
  commands: CommandCatalog,
  e: Experiment,
  policy: RunPolicy,
  loadIndex: number,
): Promise<RunResult> {
  if (typeof policy === 'string') throw new Error('The oracles run in virtual time only');
  assertLiveRunnable(e);
  const topology = labTopology(e);
  if (topology.computers.length > 80 || topology.tier.length > 80)
    throw new Error('The live engine runs at most 80 computers and 80 second-tier brokers');
  const dir = mkdtempSync(join(tmpdir(), 'soe-lab-'));
  // A real function is only possible in a single-function experiment (the file format allows no other).
  const { js, name: jsName } = e.functions[0]!;
  const functions = join(dir, 'functions');
  if (js !== undefined) {
    mkdirSync(functions);
    writeFileSync(join(functions, `${jsName}.js`), js);
  }
  const computers = topology.computers.map((c, i) => {
    const common = { 'server-endpoint': `127.0.0.${10 + i}:0`, 'utilization-endpoint': '' };
    // A real function: a js computer with as many containers (and pre-started ones) as workers.
    if (js !== undefined) {
      const containers = `containers=${c.group.workers},prewarm=${c.group.workers}`;
      return { ...common, 'computer-type': 'js', functions, 'js-conf': containers };
    }
    const path = join(dir, `${c.name}.json`);
    writeFileSync(path, JSON.stringify(computerDescription(c.group, e.functions)));
    return { ...common, conf: `type=file,path=${path}` };
  });
  const tierHosts = topology.tier.map((_, b) => `127.0.1.${10 + b}`);
  const routers = [
    brokerOptions(policy.broker, e.routerConf, '127.0.2.10'),
    ...tierHosts.map((h) => brokerOptions(policy.broker, e.routerConf, h)),
  ];
  const section = policy.broker.kind === 'router' ? 'routers' : 'dispatchers';
  const parsed = parseTopology(stringify({ computers, [section]: routers }), commands, `lab ${e.name}`);
  const deployment = await Deployment.start(parsed, { logDir: dir });
  let client: GrpcLambdaClient | undefined;
  let ok = false;
  try {
    const running = deployment.components;
    const endpointOf = new Map<string, string>();
    running
      .filter((r) => r.component.role === 'computers')
      .forEach((r, i) => endpointOf.set(topology.computers[i]!.name, r.listening.split(',')[0]!));
    const brokers = running
      .filter((r) => r.component.role === section)
      .map((r) => brokerEndpoints(r.listening));
    const [top, ...tier] = brokers;
    tier.forEach((b, i) => endpointOf.set(topology.tier[i]!.name, b.lambda));
    const lambdas = e.functions.map((f) => f.name);
    const final = (names: string[]): { name: string; final: boolean }[] =>
      names.map((n) => ({ name: endpointOf.get(n)!, final: true }));
    if (tier.length === 0)
      await program(top!.configuration, lambdas, final(topology.computers.map((c) => c.name)));
    else {
      await program(
        top!.configuration,
        lambdas,
        tier.map((b) => ({ name: b.lambda, final: false })),
      );
      for (let i = 0; i < tier.length; i++)
        await program(tier[i]!.configuration, lambdas, final(topology.tier[i]!.computers));
    }
    client = new GrpcLambdaClient(top!.lambda);
    await client.ready(5000);
    const arrivals = generateArrivals(e, loadIndex);
    const times: number[] = [];
    let failure: string | undefined;
    const pending: Promise<void>[] = [];
    const signal = new AbortController().signal;
    const start = monotonicSeconds();
    for (const a of arrivals) {
      await sleepUntil(start + a.time, signal);
      const sent = monotonicSeconds();
      const c = client;
      const call = (fn: string): Promise<LambdaResponse> =>
        c.runLambda(js === undefined ? labRequest(fn, a.size) : jsRequest(fn, a.size));
      pending.push(
        runApplication(e.application, call).then((failed) => {
          if (failed !== undefined) failure ??= failed;
          else if (a.time >= e.workload.warmUp) times.push(monotonicSeconds() - sent);
        }),
      );
    }
    await Promise.all(pending);
    if (failure !== undefined) throw new Error(`A live request failed: ${failure} (logs in ${dir})`);
    ok = true;
    return { times, requests: arrivals.length, events: 0 };
  } finally {
    client?.close();
    await deployment.stop();
    if (ok) rmSync(dir, { recursive: true, force: true });
  }
}
