/**
 * A read-only copy of a controller's state as plain JSON (what its REST view serves as `GET /v1/topology`),
 * and the `soe.rpc.ControllerView` list made of it. The JSON shapes are those of topology-view.ts, which
 * uses no Node API so that the web GUI imports it.
 */
import type { ComputerList } from '../protocol/messages.js';
import type { KnownComputer, RouterEndpoints, RouterReach } from './registry-entries.js';
import type { TopologyComputer, TopologyRouter, TopologyView } from './topology-view.js';

/** One computer the controller knows, in a {@link ControllerSnapshot}. */
export type ComputerSnapshot = TopologyComputer;

/** One router (or dispatcher) the controller knows, in a {@link ControllerSnapshot}. */
export type RouterSnapshot = TopologyRouter;

/** One lambda offered by at least one computer, with the computers offering it in end-point order. */
export type LambdaSnapshot = TopologyView['lambdas'][number];

/**
 * A read-only copy of a controller's state: the installer type, the computers with their containers, the
 * routers with what each reaches, the lambdas with their computers. Later changes to the controller do
 * not show in it.
 */
export type ControllerSnapshot = TopologyView;

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
