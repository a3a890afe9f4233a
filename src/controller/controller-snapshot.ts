import type { ContainerInfo } from '../protocol/messages.js';
import type { EdgeController } from './edge-controller.js';
import type { RouterReach } from './registry-entries.js';

/** One computer the controller knows, in a {@link ControllerSnapshot}. */
export interface ComputerSnapshot {
  /** Its lambda end-point (what it announced, what routers forward to). */
  endpoint: string;
  /** The distinct lambdas of its containers, sorted. */
  lambdas: string[];
  /** Its containers, in announce order. */
  containers: ContainerInfo[];
}

/** One router (or dispatcher) the controller knows, in a {@link ControllerSnapshot}. */
export interface RouterSnapshot {
  /** Where it serves lambdas. */
  lambdaEndpoint: string;
  /** Where its forwarding tables are read and programmed. */
  forwardingEndpoint: string;
  /** The computers it can reach, directly or through another router, in end-point order. */
  reaches: RouterReach[];
}

/** One lambda offered by at least one computer, in a {@link ControllerSnapshot}. */
export interface LambdaSnapshot {
  lambda: string;
  /** The computers offering it, in end-point order. */
  computers: string[];
}

/**
 * A read-only copy of a controller's state, plain JSON: the installer type, the computers with their
 * containers, the routers with what each reaches, the lambdas with their computers. Later changes to
 * the controller do not show in it.
 */
export interface ControllerSnapshot {
  /** The `--installer-type` (`flat`, `hier`). */
  installerType: string;
  /** Computers in end-point order. */
  computers: ComputerSnapshot[];
  /** Routers, oldest announce first. */
  routers: RouterSnapshot[];
  /** Lambdas, sorted. */
  lambdas: LambdaSnapshot[];
}

/** Takes a {@link ControllerSnapshot} of a controller's current state. */
export function controllerSnapshot(controller: EdgeController): ControllerSnapshot {
  const reach = controller.reachability();
  return {
    installerType: controller.installerType,
    computers: controller.computers().map((c) => ({
      endpoint: c.endpoint,
      lambdas: [...new Set(c.containers.map((k) => k.lambda))].sort(byteOrder),
      containers: c.containers.map((k) => ({ ...k })),
    })),
    routers: controller.routers().map((r) => ({
      lambdaEndpoint: r.lambdaEndpoint,
      forwardingEndpoint: r.forwardingEndpoint,
      reaches: reach.get(r.lambdaEndpoint) ?? [],
    })),
    lambdas: controller.lambdas().map((lambda) => ({ lambda, computers: controller.computersOf(lambda) })),
  };
}

/** Byte-wise string order, as the controller sorts end-points and lambdas. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
