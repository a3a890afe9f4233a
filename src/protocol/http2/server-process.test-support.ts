import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { GrpcServerLimits } from './limits.js';

/** A lean server running in a child process (lean-server-child.test-support.ts): its endpoint and its memory. */
export class LeanServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {}

  /** Starts the child with these limits and resolves once it listens. */
  static async start(limits: Partial<GrpcServerLimits> = {}): Promise<LeanServerProcess> {
    const script = new URL('./lean-server-child.test-support.js', import.meta.url);
    const child = spawn(process.execPath, [script.pathname, JSON.stringify(limits)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const [endpoint] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(() => {
        throw new Error('the lean server child exited before listening');
      }),
    ])) as [string];
    return new LeanServerProcess(child, endpoint);
  }

  /** The child's resident set size now, bytes (VmRSS of /proc/<pid>/status). */
  rss(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (kb === null) throw new Error(`no VmRSS for process ${this.child.pid}`);
    return Number(kb[1]) * 1024;
  }

  /** Ends the child (closing its standard input) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin!.end();
    await exited;
  }
}
