import { PrometheusRegistry, type Counter, type Gauge } from '../support/prometheus.js';
import { EDGE_FIGURES, type EdgeResourceType } from './contract.js';
import type { Reading } from './readings.js';

/**
 * A component's figures in the Prometheus text format, the same as its telemetry: for type `edge-X`,
 * gauges `soe_X_<figure>` (`_seconds` when in seconds), counts `soe_X_<figure>_total`, means as two
 * counters `soe_X_<figure>_seconds_total` (the sum) and `soe_X_<figure>_samples_total` (how many), labelled
 * with the figure's keys (`lambda`, `destination`, `processor`). Only the most detailed form of a figure
 * is written (PromQL's `sum` gives the others). `extra` gauges and counters (the telemetry's own `sent` and
 * `dropped`) follow as `soe_X_telemetry_<name>_total`.
 */
export function renderPrometheus(
  type: EdgeResourceType,
  readings: readonly Reading[],
  extra: Readonly<Record<string, number>> = {},
): string {
  const prefix = `soe_${type.replace(/^edge-/, '')}`;
  const figures = EDGE_FIGURES[type];
  const registry = new PrometheusRegistry();
  const gauges = new Map<string, Gauge>();
  const counters = new Map<string, Counter>();
  const counter = (name: string, help: string, labels: readonly string[]): Counter => {
    let c = counters.get(name);
    if (c === undefined) {
      c = registry.counter(name, help, labels);
      counters.set(name, c);
    }
    return c;
  };
  for (const reading of readings) {
    const spec = figures[reading.figure];
    if (spec === undefined || reading.figure === 'dropped') continue;
    const labelNames = spec.forms[0] ?? [];
    if (labelNames.length !== reading.keys.length) continue;
    const labels: Record<string, string> = {};
    labelNames.forEach((label, i) => (labels[label] = reading.keys[i] as string));
    const base = `${prefix}_${reading.figure}`;
    switch (reading.kind) {
      case 'gauge': {
        const name = spec.unit === 's' ? `${base}_seconds` : base;
        let g = gauges.get(name);
        if (g === undefined) {
          g = registry.gauge(name, `${reading.figure} (docs/telemetry.md)`, labelNames);
          gauges.set(name, g);
        }
        g.set(reading.value, labels);
        break;
      }
      case 'count':
        counter(`${base}_total`, `${reading.figure} since start`, labelNames).setTotal(reading.total, labels);
        break;
      case 'mean':
        counter(`${base}_seconds_total`, `sum of ${reading.figure} since start, s`, labelNames).setTotal(
          reading.sum,
          labels,
        );
        counter(`${base}_samples_total`, `samples of ${reading.figure} since start`, labelNames).setTotal(
          reading.count,
          labels,
        );
        break;
    }
  }
  for (const [name, value] of Object.entries(extra)) {
    counter(`${prefix}_telemetry_${name}_total`, `telemetry measures ${name}`, []).setTotal(value);
  }
  return registry.render();
}
