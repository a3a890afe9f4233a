/**
 * The JSON of the controller REST view's `GET /v1/topology` (what `controllerSnapshot()` returns); this
 * module uses no Node API, so the web GUI imports it.
 */
import type { RouterReach } from './router-reach.js';

/** A container as its computer announced it (the protocol's `ContainerInfo`). */
export interface TopologyContainer {
  name: string;
  processor: string;
  lambda: string;
  numWorkers: number;
}

/** One computer the controller knows. */
export interface TopologyComputer {
  /** Its lambda end-point (what it announced, what routers forward to). */
  endpoint: string;
  /** The distinct lambdas of its containers, sorted. */
  lambdas: string[];
  /** Its containers, in announce order. */
  containers: TopologyContainer[];
  /** The management API it announced (a js computer's), if any. */
  managementEndpoint?: string;
}

/** One router (or dispatcher) the controller knows. */
export interface TopologyRouter {
  /** Where it serves lambdas. */
  lambdaEndpoint: string;
  /** Where its forwarding tables are read and programmed. */
  forwardingEndpoint: string;
  /** The computers it can reach, directly or through another router, in end-point order. */
  reaches: RouterReach[];
}

/** The controller's computers, routers and lambdas, as `GET /v1/topology` serves them. */
export interface TopologyView {
  /** The `--installer-type` (`flat`, `hier`). */
  installerType: string;
  /** Computers in end-point order. */
  computers: TopologyComputer[];
  /** Routers, oldest announce first. */
  routers: TopologyRouter[];
  /** Lambdas, sorted, each with the computers offering it in end-point order. */
  lambdas: { lambda: string; computers: string[] }[];
}
