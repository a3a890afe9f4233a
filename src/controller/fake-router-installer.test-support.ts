import type { ContainerInfo } from '../protocol/messages.js';
import { formatG } from '../support/number-format.js';
import type { RouteEntry, RouterInstaller } from './router-installer.js';

/**
 * Test support: a router installer that appends each command to {@link log} in the original unit
 * tests' format instead of calling routers —
 * `<fwd>: <lambda>,<dest>,<weight>,<F or empty> ...\n`, `del <fwd> <computer> <lambdas...>\n`,
 * `flush <fwd>\n` — and rejects the commands for the {@link disconnected} router (`*`: all of them).
 */
export class LoggingRouterInstaller implements RouterInstaller {
  /** Every command so far. */
  log = '';
  /** Forwarding end-point of the router that cannot be reached; `*`: every router; empty: none. */
  disconnected = '';

  /** Logs one line with all the entries. */
  change(forwardingEndpoint: string, entries: readonly RouteEntry[]): Promise<void> {
    return this.command(forwardingEndpoint, () => {
      const items = entries.map(
        (e) => ` ${e.lambda},${e.destination},${formatG(e.weight)},${e.final ? 'F' : ''}`,
      );
      return `${forwardingEndpoint}:${items.join('')}\n`;
    });
  }

  /** Logs `del <fwd> <computer> <lambdas...>`. */
  remove(forwardingEndpoint: string, destination: string, lambdas: readonly string[]): Promise<void> {
    return this.command(
      forwardingEndpoint,
      () => `del ${forwardingEndpoint} ${destination}${lambdas.map((l) => ` ${l}`).join('')}\n`,
    );
  }

  /** Logs `flush <fwd>`. */
  flush(forwardingEndpoint: string): Promise<void> {
    return this.command(forwardingEndpoint, () => `flush ${forwardingEndpoint}\n`);
  }

  /** Returns the log and clears it. */
  takeLog(): string {
    const log = this.log;
    this.log = '';
    return log;
  }

  private command(forwardingEndpoint: string, line: () => string): Promise<void> {
    if (this.disconnected === '*' || this.disconnected === forwardingEndpoint) {
      return Promise.reject(new Error(`router ${forwardingEndpoint} disconnected`));
    }
    this.log += line();
    return Promise.resolve();
  }
}

/** Test support: `n` containers `cont0` on `cpu0` with 2 workers, lambdas `lambda<from>`, `lambda<from+1>`, ... */
export function makeContainers(n: number, from = 0): ContainerInfo[] {
  return Array.from({ length: n }, (_, i) => ({
    name: 'cont0',
    processor: 'cpu0',
    lambda: `lambda${from + i}`,
    numWorkers: 2,
  }));
}
