import { Registry } from '../support/registry.js';
import type { ControllerHooks } from './edge-controller.js';

/**
 * A controller type (`--type`): what it runs beside the router installer that every controller runs
 * (the original subscribes an ETSI logic for the etsi types, nothing more for `plain`).
 */
export interface ControllerType {
  /** The registry observers of the type's own logic (none for `plain`); throws if this release cannot run it. */
  hooks(): ControllerHooks;
}

/**
 * The controller types by `--type` name; each registers itself from its `setup()` (see
 * controller-types.ts, which registers the built-in ones). An unknown name lists the known ones, sorted.
 */
export const controllerTypes = new Registry<ControllerType>(
  (name, known) => new Error(`Invalid type '${name}', choose one in: ${[...known].sort().join(',')}`),
);
