import type { FigureSource } from '../telemetry/readings.js';
import { controllerSnapshot } from './controller-snapshot.js';
import type { EdgeController } from './edge-controller.js';

/** The controller's figures (`edge-controller` in src/telemetry/contract.ts): how many computers, routers, lambdas it knows. */
export function controllerFigures(controller: EdgeController): FigureSource {
  return (out) => {
    const snapshot = controllerSnapshot(controller);
    out.push({ kind: 'gauge', figure: 'computers', keys: [], value: snapshot.computers.length });
    out.push({ kind: 'gauge', figure: 'routers', keys: [], value: snapshot.routers.length });
    out.push({ kind: 'gauge', figure: 'lambdas', keys: [], value: snapshot.lambdas.length });
  };
}
