import { readTrace } from '../client/trace-parse.js';
import { Random } from '../support/random.js';
import { arrivalRate, streamSeed, type Experiment } from './experiment.js';

/** One request of a workload: when it arrives (seconds from the start) and its input size (bytes). */
export interface Arrival {
  time: number;
  size: number;
}

/** Inter-arrival gaps with mean `1/rate` (the ON/OFF process keeps its own phase). */
type Gaps = (random: Random) => number;

/**
 * ON/OFF (interrupted Poisson) arrivals with mean rate `rate`: exponential ON and OFF periods of means
 * `on` and `off`; during ON, Poisson arrivals at `rate · (on + off) / on`; none during OFF.
 */
function onOffGaps(rate: number, on: number, off: number): Gaps {
  const peak = (rate * (on + off)) / on;
  let onLeft: number | undefined;
  return (random) => {
    onLeft ??= random.exponential(on);
    let gap = 0;
    for (;;) {
      const next = random.exponential(1 / peak);
      if (next <= onLeft) {
        onLeft -= next;
        return gap + next;
      }
      gap += onLeft + random.exponential(off);
      onLeft = random.exponential(on);
    }
  };
}

/**
 * The arrivals of an experiment at one offered load, over [0, duration): Poisson (exponential gaps),
 * uniform (gaps uniform in [0, 2/rate)), ON/OFF, or a trace whose times are scaled so that its mean rate
 * is the one of the load (its sizes are kept). Sizes are uniform integers in [min, max] except for
 * traces. The same seed and load give the same arrivals for every policy (common random numbers).
 */
export function generateArrivals(e: Experiment, loadIndex: number): Arrival[] {
  const w = e.workload;
  const load = w.loads[loadIndex];
  if (load === undefined) throw new Error(`No load #${loadIndex} in experiment ${e.name}`);
  const rate = arrivalRate(e, load);
  const random = Random.fromSeeds(...streamSeed(e, load, 1));
  if (w.arrivals === 'trace') return scaledTrace(w.trace, rate, w.duration);
  const gaps: Gaps =
    w.arrivals === 'poisson'
      ? (r) => r.exponential(1 / rate)
      : w.arrivals === 'uniform'
        ? (r) => r.uniformReal(0, 2 / rate)
        : onOffGaps(rate, w.on, w.off);
  const arrivals: Arrival[] = [];
  for (let t = gaps(random); t < w.duration; t += gaps(random)) {
    arrivals.push({ time: t, size: random.uniformInt(w.sizes.min, w.sizes.max) });
  }
  return arrivals;
}

/** A trace's events time-scaled to a mean rate, repeated end to end until `duration`. */
function scaledTrace(path: string, rate: number, duration: number): Arrival[] {
  const events = readTrace(path).sort((a, b) => a.time - b.time);
  const first = events[0];
  const last = events.at(-1);
  if (first === undefined || last === undefined || events.length < 2 || !(last.time > first.time))
    throw new Error(`Trace ${path} needs at least two events at different times`);
  const span = ((last.time - first.time) * events.length) / (events.length - 1);
  const scale = events.length / rate / span;
  const arrivals: Arrival[] = [];
  for (let offset = 0; ; offset += span * scale) {
    for (const ev of events) {
      const time = offset + (ev.time - first.time) * scale;
      if (time >= duration) return arrivals;
      arrivals.push({ time, size: ev.size });
    }
  }
}
