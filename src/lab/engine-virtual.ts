import { parseRouterConf } from '../broker/router-conf.js';
import { loadDescription } from '../platform/composer.js';
import { Computer } from '../platform/computer.js';
import { EdgeComputer } from '../platform/edge-computer.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { Random } from '../support/random.js';
import { Semaphore } from '../support/semaphore.js';
import { VirtualScheduler } from '../support/virtual-scheduler.js';
import { computerDescription } from './computer-profile.js';
import { ORACLE, streamSeed, type Experiment, type LabPolicy, type OracleName } from './experiment.js';
import { createLabBroker, type LabBroker } from './lab-broker.js';
import { labRequest } from './lab-request.js';
import { runApplication } from './application-run.js';
import { HopByHop } from './hop-by-hop.js';
import { Oracle } from './oracle.js';
import { labTopology } from './topology.js';
import { generateArrivals } from './workload.js';

/** The outcome of one run: the response times (s) of the measured requests, in completion order. */
export interface RunResult {
  times: number[];
  /** Requests sent (warm-up included). */
  requests: number;
  /** Events the simulation ran. */
  events: number;
}

/** The policy of a run: one under test, or one of the clairvoyant oracles. */
export type RunPolicy = LabPolicy | OracleName;

/**
 * Runs one policy at one offered load in virtual time: each of the experiment's arrivals is one run of its
 * application (a single function, or a chain or DAG called client-driven, see {@link runApplication}, or
 * hop by hop, see {@link HopByHop}: then the top broker is every computer's companion),
 * each call going from a client through the broker(s) of the policy (the real selection policies, optimizers and estimators from the
 * registries, on the simulated clock) to the computers (the real processor-sharing model, on the same
 * clock), every hop taking the experiment's network delay; the brokers learn from the replies as in a
 * live deployment (measured time from asking for a client slot to the reply, load1 and ptime as the
 * computer reports them; hop by hop, from the computers' immediate acks, or with `feedback: completion`
 * from the function's completion). A request's time is from its
 * arrival to the return of its last call (the sink's; hop by hop, to the sink's callback). Requests arriving before the warm-up are not measured. Deterministic: the
 * same experiment gives the same result, bit for bit.
 */
export async function runVirtual(e: Experiment, policy: RunPolicy, loadIndex: number): Promise<RunResult> {
  const scheduler = new VirtualScheduler();
  const d = e.networkDelay;
  const lambdas = e.functions.map((f) => f.name);
  const router = parseRouterConf(e.routerConf);
  const load = e.workload.loads[loadIndex]!;
  const random = Random.fromSeeds(...streamSeed(e, load, 2));
  const sleep = (seconds: number): Promise<void> =>
    new Promise((resolve) => scheduler.after(seconds, resolve));
  const topology = labTopology(e);

  const machines = new Map<string, { computer: Computer; edge: EdgeComputer }>();
  for (const c of topology.computers) {
    const computer = new Computer(c.name, 1, scheduler);
    loadDescription(computer, computerDescription(c.group, e.functions));
    machines.set(c.name, { computer, edge: new EdgeComputer(computer) });
  }
  const brokers = new Map<string, LabBroker>();
  const top = 'top';
  const slots = new Map<string, Semaphore>();

  const hopByHop =
    e.application.mode === 'hop-by-hop'
      ? new HopByHop(e.application, {
          delay: d,
          sleep,
          toBroker: (req) => serve(top, req),
          execute: (computer, req) => machines.get(computer)!.edge.process(req),
        })
      : undefined;

  /** A request arriving at a node (computer or broker); resolves to its reply, sent back from there. */
  const serve = async (node: string, req: LambdaRequest): Promise<LambdaResponse> => {
    const machine = machines.get(node);
    if (machine !== undefined) {
      if (hopByHop === undefined || req.dry) return machine.edge.process(req);
      const { ack, completed } = hopByHop.accept(node, req);
      return e.application.feedback === 'completion' ? completed : ack;
    }
    const broker = brokers.get(node)!;
    const destination = await broker.choose(req);
    if (router.maxForwardTime > 0)
      await sleep(random.uniformReal(router.minForwardTime, router.maxForwardTime));
    const key = `${node}>${destination}`;
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = new Semaphore(router.maxPendingClients);
      slots.set(key, slot);
    }
    const start = scheduler.now();
    await slot.acquire();
    await sleep(d);
    const response = await serve(destination, { ...req, forward: true, hops: req.hops + 1 });
    await sleep(d);
    slot.release();
    if (response.retcode === 'OK') {
      if (!req.dry) broker.learn(req, destination, response, scheduler.now() - start);
      if (response.responder === '') response.responder = destination;
    }
    broker.settled(req, destination);
    return response;
  };
  const dryRun = async (destination: string, req: LambdaRequest): Promise<LambdaResponse> => {
    await sleep(d);
    const response = await serve(destination, req);
    await sleep(d);
    return response;
  };

  if (typeof policy === 'string') {
    const first = machines.values().next().value!.computer;
    const oracle = new Oracle(
      topology.computers.map((c) => ({ name: c.name, computer: machines.get(c.name)!.computer })),
      d,
      () => scheduler.now(),
      policy === ORACLE ? 'first-completion' : 'least-added-delay',
    );
    brokers.set(top, {
      choose: (req) => oracle.choose(req.name, first.container(req.name).lambda.requirements(req).ops),
      learn: () => undefined,
      settled: () => undefined,
      close: () => undefined,
    });
  } else {
    const env = (i: number) => ({
      router,
      scheduler,
      random: Random.fromSeeds(...streamSeed(e, load, 3, i)),
      dryRun,
    });
    const flat = topology.tier.length === 0;
    const topDestinations = flat
      ? topology.computers.map((c) => ({ name: c.name, final: true }))
      : topology.tier.map((b) => ({ name: b.name, final: false }));
    brokers.set(top, createLabBroker(policy.broker, lambdas, topDestinations, env(0)));
    topology.tier.forEach((b, i) => {
      const destinations = b.computers.map((name) => ({ name, final: true }));
      brokers.set(b.name, createLabBroker(policy.broker, lambdas, destinations, env(i + 1)));
    });
  }

  const arrivals = generateArrivals(e, loadIndex);
  const times: number[] = [];
  let outstanding = arrivals.length;
  let failure: string | undefined;
  const finish = (): void => {
    for (const b of brokers.values()) b.close();
    for (const m of machines.values()) m.computer.close();
  };
  if (outstanding === 0) finish();
  for (const a of arrivals) {
    scheduler.after(a.time, () => {
      void (async () => {
        const failed =
          hopByHop !== undefined
            ? await hopByHop.run(a.size)
            : await runApplication(e.application, async (fn) => {
                await sleep(d);
                const response = await serve(top, labRequest(fn, a.size));
                await sleep(d);
                return response;
              });
        if (failed !== undefined) failure ??= failed;
        else if (a.time >= e.workload.warmUp) times.push(scheduler.now() - a.time);
        if (--outstanding === 0) finish();
      })();
    });
  }
  await scheduler.run();
  if (failure !== undefined) throw new Error(`A request failed in virtual time: ${failure}`);
  if (outstanding > 0) throw new Error(`${outstanding} requests never completed in virtual time`);
  return { times, requests: arrivals.length, events: scheduler.eventsRun };
}
