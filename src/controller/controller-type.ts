import { Registry } from '../support/registry.js';
import type { ControllerHooks } from './edge-controller.js';

/** What a controller type may need from the command line. */
export interface ControllerTypeOptions {
  /** `--file`: the static associations of etsi-file. */
  file: string;
  /** `--etsi-api-root`: where etsi-file serves its proxy's REST API. */
  etsiApiRoot: string;
  /** `--balanced-endpoint`: the gRPC end-point of the proxy etsi-balanced drives. */
  balancedEndpoint: string;
  /** `--balanced-period`, in seconds. */
  balancedPeriod: number;
  /** The software version of this build (etsi-file lists the lambdas with it). */
  version: string;
}

/** A controller type at work: the registry observers of its logic, and how to stop it. */
export interface ControllerTypeRun {
  hooks: ControllerHooks;
  /** Stops what the type started (servers, timers, connections). */
  close(): Promise<void>;
}

/**
 * A controller type (`--type`): what it runs beside the router installer that every controller runs
 * (the original subscribes an ETSI logic for the etsi types, nothing more for `plain`).
 */
export interface ControllerType {
  /** Starts the type's own logic; fails on options it cannot work with. */
  start(options: ControllerTypeOptions): Promise<ControllerTypeRun>;
}

/**
 * The controller types by `--type` name; each registers itself from its `setup()` (`plain` from
 * controller-types.ts; the etsi types, which live in the mec layer, from the CLI). An unknown name lists
 * the known ones, sorted.
 */
export const controllerTypes = new Registry<ControllerType>(
  (name, known) => new Error(`Invalid type '${name}', choose one in: ${[...known].sort().join(',')}`),
);
