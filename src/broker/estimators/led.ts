import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { pickMinimum, type PtimeEstimator } from './estimator.js';
import { windowSize } from './estimator-conf.js';
import { PairMap } from './pairs.js';
import { estimatorTypes } from './registry.js';
import type { Clock } from '../policies/selection-policy.js';

/** The keys of the `led` estimator's conf. */
export interface LedEstimatorConf {
  /** Replies remembered per (lambda, destination). */
  windowSize: number;
  /** Seconds after which a request without reply no longer counts as in flight. */
  inFlightTimeout: number;
}

/**
 * Seconds per concurrent request of one (lambda, destination): the ratio Σ delay / Σ concurrency over the
 * last `size` replies (a least-squares line through the origin would weigh the crowded samples more).
 */
class DelayPerRequest {
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private sx = 0;
  private sy = 0;

  constructor(private readonly size: number) {}

  add(concurrency: number, delay: number): void {
    this.xs.push(concurrency);
    this.ys.push(delay);
    this.sx += concurrency;
    this.sy += delay;
    if (this.xs.length > this.size) {
      this.sx -= this.xs.shift()!;
      this.sy -= this.ys.shift()!;
    }
  }

  /** The seconds per concurrent request, or undefined before the first reply. */
  value(): number | undefined {
    return this.xs.length === 0 ? undefined : this.sy / this.sx;
  }
}

/**
 * A destination never heard from is charged this fraction of the smallest delay per concurrent request
 * known: a little less, so that it is tried (even by one request at a time), but not nothing, or it would
 * take every request until its first reply.
 */
const UNKNOWN_DISCOUNT = 0.999;

/** A request the estimator sent and is waiting for: where, how many were in flight there, when. */
interface Sent {
  destination: string;
  before: number;
  at: number;
}

/**
 * The `led` estimator, least expected delay: it predicts the delay of a request at a destination as
 * `r · (n + 1)`, where n is the number of its own requests in flight there (the freshest load signal a
 * broker has, exact when it is the computers' only broker) and r the seconds per concurrent request the
 * destination has shown: over the last `windowSize` replies, Σ measured delay / Σ concurrency, the
 * concurrency of a reply being the mean of the in-flight counts at its departure (itself included) and at
 * its return. Under processor sharing a request's delay grows with the requests it shares the destination
 * with, so r is about the destination's time per request alone (its speed) and r · (n + 1) the delay of
 * one more. A destination never heard from is charged a little less than the fastest one known (before
 * any reply, all share the requests by their in-flight counts), so it is tried without becoming a sink
 * for every request until its first reply. Dry requests are not counted; a request
 * whose reply never comes (an error) stops counting after `inFlightTimeout` seconds.
 */
export class LedEstimator implements PtimeEstimator {
  readonly type = 'led';
  private readonly rates = new PairMap<DelayPerRequest>();
  private readonly inFlight = new Map<string, number>();
  private readonly sent = new Map<LambdaRequest, Sent>();

  constructor(
    private readonly conf: LedEstimatorConf,
    private readonly clock: Clock,
  ) {}

  added(lambda: string, destination: string): void {
    this.rates.set(lambda, destination, new DelayPerRequest(this.conf.windowSize));
  }

  removed(lambda: string, destination: string): void {
    this.rates.delete(lambda, destination);
    if (this.rates.hasDestination(destination)) return;
    this.inFlight.delete(destination);
    for (const [req, s] of this.sent) if (s.destination === destination) this.sent.delete(req);
  }

  async choose(request: LambdaRequest, destinations: readonly string[]): Promise<string> {
    this.expire();
    const rates = destinations.map((d) => this.rates.get(request.name, d)?.value());
    const known = rates.filter((r): r is number => r !== undefined);
    const unknown = known.length === 0 ? 1 : UNKNOWN_DISCOUNT * Math.min(...known);
    const rate = new Map(destinations.map((d, i) => [d, rates[i] ?? unknown]));
    const best = pickMinimum(destinations, (d) => rate.get(d)! * (this.count(d) + 1));
    if (!request.dry) {
      this.forget(request);
      this.sent.set(request, { destination: best, before: this.count(best), at: this.clock() });
      this.inFlight.set(best, this.count(best) + 1);
    }
    return best;
  }

  success(request: LambdaRequest, destination: string, _response: LambdaResponse, seconds: number): void {
    const s = this.sent.get(request);
    let concurrency = this.count(destination) + 1;
    if (s !== undefined && s.destination === destination) {
      concurrency = (s.before + 1 + this.count(destination)) / 2;
      this.forget(request);
    }
    this.rates.get(request.name, destination)?.add(concurrency, seconds);
  }

  close(): void {}

  private count(destination: string): number {
    return this.inFlight.get(destination) ?? 0;
  }

  /** Stops counting a request as in flight. */
  private forget(request: LambdaRequest): void {
    const s = this.sent.get(request);
    if (s === undefined) return;
    this.sent.delete(request);
    const n = this.count(s.destination) - 1;
    if (n > 0) this.inFlight.set(s.destination, n);
    else this.inFlight.delete(s.destination);
  }

  /** Forgets the requests in flight for longer than the timeout (oldest first: the map keeps sending order). */
  private expire(): void {
    const oldest = this.clock() - this.conf.inFlightTimeout;
    for (const [req, s] of this.sent) {
      if (s.at >= oldest) break;
      this.forget(req);
    }
  }
}

/** Registers the `led` estimator. */
export function setup(): void {
  estimatorTypes.register('led', {
    defaultConf: 'type=led,window-size=50,in-flight-timeout=30',
    create: (conf, env) =>
      new LedEstimator(
        {
          windowSize: windowSize(conf, 'window-size'),
          inFlightTimeout: conf.getDouble('in-flight-timeout'),
        },
        env.clock,
      ),
  });
}
