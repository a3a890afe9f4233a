/**
 * The controller's state as plain JSON, what its REST view serves; this module uses no Node API, so the
 * web GUI imports its types.
 */
import type { ComputerList, ContainerInfo } from '../protocol/messages.js';
import type { KnownComputer, RouterEndpoints, RouterReach } from './registry-entries.js';

/** One computer the controller knows, in a {@link ControllerSnapshot}. */
export interface ComputerSnapshot {
  /** Its lambda end-point (what it announced, what routers forward to). */
  endpoint: string;
  /** The distinct lambdas of its containers, sorted. */
  lambdas: string[];
  /** Its containers, in announce order. */
  containers: ContainerInfo[];
  /** The management API it announced (a js computer's), if any. */
  managementEndpoint?: string;
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

/** What a snapshot is taken of: an `EdgeController`. */
export interface SnapshotSource {
  readonly installerType: string;
  computers(): KnownComputer[];
  routers(): RouterEndpoints[];
  lambdas(): string[];
  computersOf(lambda: string): string[];
  reachability(): Map<string, RouterReach[]>;
  /** The management end-point a computer announced, or ''. */
  managementEndpointOf?(endpoint: string): string;
}

/** Takes a {@link ControllerSnapshot} of a controller's current state. */
export function controllerSnapshot(controller: SnapshotSource): ControllerSnapshot {
  const reach = controller.reachability();
  return {
    installerType: controller.installerType,
    computers: controller.computers().map((c) => {
      const management = controller.managementEndpointOf?.(c.endpoint) ?? '';
      return {
        endpoint: c.endpoint,
        lambdas: [...new Set(c.containers.map((k) => k.lambda))].sort(byteOrder),
        containers: c.containers.map((k) => ({ ...k })),
        ...(management === '' ? {} : { managementEndpoint: management }),
      };
    }),
    routers: controller.routers().map((r) => ({
      lambdaEndpoint: r.lambdaEndpoint,
      forwardingEndpoint: r.forwardingEndpoint,
      reaches: reach.get(r.lambdaEndpoint) ?? [],
    })),
    lambdas: controller.lambdas().map((lambda) => ({ lambda, computers: controller.computersOf(lambda) })),
  };
}

/** The computers of a snapshot as the `soe.rpc.ControllerView` ListComputers answer carries them. */
export function computerList(snapshot: ControllerSnapshot): ComputerList {
  return {
    computers: snapshot.computers.map((c) => ({
      edgeServerEndpoint: c.endpoint,
      managementEndpoint: c.managementEndpoint ?? '',
      lambdas: c.lambdas,
    })),
  };
}

/** Byte-wise string order, as the controller sorts end-points and lambdas. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
