import type { FigureSource } from '../telemetry/readings.js';
import type { TrafficStats } from '../telemetry/traffic-stats.js';
import type { EdgeDispatcher } from './dispatcher/dispatcher.js';
import type { EdgeRouter } from './router/edge-router.js';

/**
 * An e-router's figures (`edge-router` in src/telemetry/contract.ts): table #0's weight of each
 * (lambda, destination), and the requests, errors and latencies `traffic` counted.
 */
export function routerFigures(router: EdgeRouter, traffic: TrafficStats): FigureSource {
  return (out) => {
    for (const { lambda, destination, weight } of router.tables[0].entries()) {
      out.push({ kind: 'gauge', figure: 'weight', keys: [lambda, destination], value: weight });
    }
    traffic.source(out);
  };
}

/**
 * An e-dispatcher's figures (`edge-dispatcher`): the requests, errors and latencies `traffic` counted,
 * and each destination's predicted delay when its estimator tells it.
 */
export function dispatcherFigures(dispatcher: EdgeDispatcher, traffic: TrafficStats): FigureSource {
  return (out) => {
    const estimate = dispatcher.estimator.predictedDelay?.bind(dispatcher.estimator);
    if (estimate !== undefined) {
      for (const { lambda, destination } of dispatcher.table.entries()) {
        const value = estimate(lambda, destination);
        if (value !== undefined)
          out.push({ kind: 'gauge', figure: 'estimate', keys: [lambda, destination], value });
      }
    }
    traffic.source(out);
  };
}
