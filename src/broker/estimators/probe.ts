import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import type { TlsCredentials } from '../../protocol/tls-credentials.js';
import { logger } from '../../support/logger.js';
import type { Saver } from '../../support/saver.js';
import { ClientPool } from '../../client/client-pool.js';
import { requestSize, type DryRun, type PtimeEstimator } from './estimator.js';
import { outputSaver } from './estimator-conf.js';
import { PairMap } from './pairs.js';
import { estimatorTypes } from './registry.js';

const log = logger('dispatcher');

/**
 * The `probe` estimator (spec §4.3), an oracle-like reference: for every request it sends a dry copy
 * (forwarded, one more hop) to each destination through its own client pool (`maxClients` per
 * destination, 0 = unlimited) and picks the smallest `ptime` among the OK replies (ties and failures:
 * the earliest destination). Computers answer dry requests with an estimate and never execute them.
 * Removal really removes (quirk Q8 fixed) and estimates are in seconds; each success is written to
 * `saver` as `<lambda> <dest> <size> <estPtime_ms> <measPtime_ms>`, in milliseconds as in the original.
 * A `dryRun` function, if given, replaces the client pool (the lab probes simulated computers with it);
 * the pool's channels are over TLS when given `tls`, and each dry run gives up after `dryRunTimeoutMs`
 * (a destination that does not answer in time counts as a failure, as one that cannot be reached).
 */
export class ProbeEstimator implements PtimeEstimator {
  readonly type = 'probe';
  /** The known pairs. */
  private readonly known = new PairMap<true>();
  /** The probed processing time (s) of the chosen destination of each request in flight. */
  private readonly estimates = new WeakMap<LambdaRequest, number>();
  private readonly pool: ClientPool;
  private readonly dryRun: DryRun;

  constructor(
    maxClients: number,
    private readonly saver: Saver,
    dryRun?: DryRun,
    tls?: TlsCredentials,
    dryRunTimeoutMs?: number,
  ) {
    this.pool = new ClientPool(maxClients, tls);
    const options = { callTimeoutMs: dryRunTimeoutMs };
    this.dryRun = dryRun ?? (async (d, req) => (await this.pool.send(d, req, options)).response);
  }

  added(lambda: string, destination: string): void {
    this.known.set(lambda, destination, true);
  }

  removed(lambda: string, destination: string): void {
    this.known.delete(lambda, destination);
    if (!this.known.hasDestination(destination)) this.pool.forget(destination);
  }

  async choose(request: LambdaRequest, destinations: readonly string[]): Promise<string> {
    const dry = { ...request, dry: true, forward: true, hops: request.hops + 1 };
    const estimates = await Promise.all(
      destinations.map(async (d) => {
        try {
          const response = await this.dryRun(d, dry);
          if (response.retcode === 'OK') return response.ptime / 1000;
          log.debug(1, () => `probe of ${request.name} at ${d}: ${response.retcode}`);
        } catch (err) {
          log.debug(1, () => `probe of ${request.name} at ${d} failed: ${(err as Error).message}`);
        }
        return Number.NaN;
      }),
    );
    let best = destinations[0]!;
    let bestValue = Infinity;
    destinations.forEach((d, i) => {
      const e = estimates[i]!;
      if (e < bestValue) {
        best = d;
        bestValue = e;
      }
    });
    this.estimates.set(request, bestValue);
    return best;
  }

  success(request: LambdaRequest, destination: string, response: LambdaResponse): void {
    if (this.known.get(request.name, destination) === undefined) return;
    const estimate = this.estimates.get(request) ?? Infinity;
    this.saver.write(request.name, destination, requestSize(request), estimate * 1000, response.ptime);
  }

  close(): void {
    this.pool.close();
    this.saver.close();
  }
}

/** Registers the `probe` estimator. */
export function setup(): void {
  estimatorTypes.register('probe', {
    defaultConf: 'type=probe,max-clients=10,output=out.dat',
    create: (conf, env) =>
      new ProbeEstimator(
        conf.getUint('max-clients'),
        outputSaver(conf),
        env.dryRun,
        env.tls,
        env.dryRunTimeoutMs,
      ),
  });
}
