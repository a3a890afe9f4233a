/** Starting the benchmarks' servers (bench/servers.ts) as child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { TRANSPORT_VARIABLE } from '../src/protocol/lambda-transports.js';

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
