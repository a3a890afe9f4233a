/** Starting the benchmarks' servers (bench/servers.ts) as child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TRANSPORT_VARIABLE } from '../src/protocol/lambda-transports.js';
import { RpcClient } from '../src/protocol/rpc-client.js';

/** A lambda transport of the benchmarks. */
export type Transport = 'lean' | 'grpc-js' | 'node-http2';

/** A server running in its own process. */
export interface ServerProcess {
  child: ChildProcess;
  /** The lambda endpoint. */
  endpoint: string;
  /** The configuration endpoint (routers only). */
  configurationEndpoint: string;
}

/**
 * Starts `servers.js <kind> [args]` (after `nodeArgs`) on the lambda transport `transport` and waits for the
 * endpoints it prints; fails if it exits first.
 */
export async function startServerProcess(
  kind: string,
  transport: Transport,
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('./servers.js', import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, script, kind, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, [TRANSPORT_VARIABLE]: transport },
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`servers.js ${kind} exited (${String(code)}) before printing its endpoint`);
  });
  const [data] = (await Promise.race([once(child.stdout, 'data'), exited])) as [Buffer];
  exited.catch(() => {}); // it exits when killed at the end
  const [endpoint = '', configurationEndpoint = ''] = data.toString().trim().split(' ');
  return { child, endpoint, configurationEndpoint };
}

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`). */
export const CLK_TCK = 100;

/** CPU seconds (user + system, in clock ticks) a process has used so far (/proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // fields 14 and 15 of proc(5)
}

/**
 * Points a router's tables for `lambda` to `destination` (weight 1): every table when `final` (the
 * destination is a computer), table #0 only otherwise.
 */
export async function programRoute(
  router: ServerProcess,
  lambda: string,
  destination: string,
  final = true,
): Promise<void> {
  const rpc = new RpcClient('uiiit.rpc.EdgeRouter', router.configurationEndpoint);
  try {
    const ret = await rpc.call('Configure', { action: 'CHANGE', lambda, destination, weight: 1, final });
    if (ret.msg !== 'OK') throw new Error(`cannot program ${router.configurationEndpoint}: ${ret.msg}`);
  } finally {
    rpc.close();
  }
}
