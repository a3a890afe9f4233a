import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRouterConf } from '../../broker/router-conf.js';
import { startRouterServer, type RouterServer } from '../../broker/router/router-server.js';
import { startCallbackServer, type CallbackServer } from '../../protocol/callback/callback-server.js';
import { RpcClient } from '../../protocol/rpc-client.js';
import { serveComputer, type EdgeComputerServer } from '../computer-server.js';
import { computerTypes } from '../computer-types.js';
import { ChainDagContinuation } from './chain-dag-continuation.js';

/** The computer types the chain/DAG tests run on. */
export type TestbedKind = 'sim' | 'js';

/** Routers, asynchronous computers with their state servers, and a callback server, on loopback. */
export interface CompositionTestbed {
  /** The router clients call; also every computer's companion. */
  router: RouterServer;
  computers: EdgeComputerServer[];
  continuations: ChainDagContinuation[];
  callbacks: CallbackServer;
  /**
   * Resolves once no computer has asynchronous work: waited computer by computer until a whole pass finds
   * every one idle (work handed from one computer to another is acknowledged only once queued).
   */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** A sim profile with one container per lambda (copy-input output, fast processor). */
function simProfile(lambdas: readonly string[]): string {
  return JSON.stringify({
    version: '1.0',
    processors: [{ name: 'cpu', type: 'GenericCpu', speed: 1e11, memory: 64e9, cores: 4 }],
    containers: lambdas.map((l, i) => ({
      name: `c${i}`,
      processor: 'cpu',
      'num-workers': 4,
      lambda: {
        name: l,
        requirements: 'proportional',
        'output-type': 'copy-input',
        'op-coeff': 1e6,
        'op-offset': 4e6,
        'mem-coeff': 100,
        'mem-offset': 0,
      },
    })),
  });
}

/** A js function that answers its parameters as they are (output = input for JSON objects). */
const ECHO_JS = 'function main(params) { return params; }\n';

/** Adds routes `lambda → destination` to a router's tables over its EdgeRouter service. */
export async function route(router: RouterServer, lambda: string, destination: string): Promise<void> {
  const rpc = new RpcClient('uiiit.rpc.EdgeRouter', router.configurationEndpoint);
  try {
    const reply = await rpc.call(
      'Configure',
      { action: 'CHANGE', lambda, destination, weight: 1, final: true },
      { timeoutMs: 10_000 },
    );
    if (reply.msg !== 'OK') throw new Error(`Cannot program the router: ${reply.msg}`);
  } finally {
    rpc.close();
  }
}

/** Variations of a {@link CompositionTestbed}. */
export interface TestbedOptions {
  /** js computers: the code of some lambdas (default: an echo of the parameters). */
  code?: Record<string, string>;
  /** The continuation of computer `i` (default a plain {@link ChainDagContinuation}). */
  continuation?: (i: number) => ChainDagContinuation;
}

/**
 * Starts a router and one asynchronous computer of `kind` per entry of `placement` (the lambdas it
 * runs), each with its own state server and the router as companion, the router routing each lambda to
 * the computers that run it; plus a callback server.
 */
export async function startCompositionTestbed(
  kind: TestbedKind,
  placement: readonly (readonly string[])[],
  options: TestbedOptions = {},
): Promise<CompositionTestbed> {
  const dir = mkdtempSync(join(tmpdir(), 'soe-composition-'));
  const router = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf: 'type=random',
    optimizerConf: 'type=trivial,period=10,stat=mean',
    router: parseRouterConf('max-pending-clients=8,min-forward-time=0,max-forward-time=0'),
  });
  const computers: EdgeComputerServer[] = [];
  const continuations: ChainDagContinuation[] = [];
  let callbacks: CallbackServer | undefined;
  const stop = async (): Promise<void> => {
    await callbacks?.stop();
    for (const c of computers) await c.stop();
    for (const c of continuations) c.close();
    await router.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, lambdas] of placement.entries()) {
      const settings: Record<string, string> = {};
      if (kind === 'sim') {
        const file = join(dir, `computer${i}.json`);
        writeFileSync(file, simProfile(lambdas));
        settings.conf = `type=file,path=${file}`;
      } else {
        const functions = join(dir, `functions${i}`);
        mkdirSync(functions);
        for (const l of lambdas) writeFileSync(join(functions, `${l}.js`), options.code?.[l] ?? ECHO_JS);
        settings.functions = functions;
      }
      const continuation = options.continuation?.(i) ?? new ChainDagContinuation();
      continuations.push(continuation);
      const computer = await serveComputer(
        {
          serverEndpoint: '127.0.0.1:0',
          utilizationEndpoint: '',
          composition: {
            asyncWorkers: 4,
            companion: router.endpoint,
            stateEndpoint: '127.0.0.1:0',
            continuation,
          },
        },
        (name) => computerTypes.get(kind).start({ name, settings, samplePeriod: 0 }),
      );
      computers.push(computer);
      for (const l of lambdas) await route(router, l, computer.endpoint);
    }
    callbacks = await startCallbackServer('127.0.0.1:0');
  } catch (err) {
    await stop();
    throw err;
  }
  const idle = async (): Promise<void> => {
    for (;;) {
      for (const c of computers) await c.front.whenIdle();
      if (computers.every((c) => c.front.asyncLoad.pending + c.front.asyncLoad.active === 0)) return;
    }
  };
  return { router, computers, continuations, callbacks, idle, stop };
}
