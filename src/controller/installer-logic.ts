import type { ContainerInfo } from '../protocol/messages.js';
import { Registry } from '../support/registry.js';
import type { KnownComputer, RouterEndpoints, RouterReach } from './registry-entries.js';
import type { RouterInstaller } from './router-installer.js';

/** What an installer logic sees of the controller: the registry, the router installer, a way to drop routers. */
export interface InstallerContext {
  /** Programs the routers. */
  readonly installer: RouterInstaller;
  /** The known computers, in end-point order. */
  computers(): readonly KnownComputer[];
  /** The known routers, oldest announce first (a copy: dropping routers while iterating it is safe). */
  routers(): readonly RouterEndpoints[];
  /** Forgets a router that could not be programmed (it is not told); no-op if already forgotten. */
  dropRouter(router: RouterEndpoints): void;
}

/** Options for the installer logics (only `hier` uses them). */
export interface InstallerOptions {
  /** Topology file (`hier`). */
  topologyFile?: string;
  /** Replace the topology's distances with random ones (`hier`). */
  topologyRandomized?: boolean;
  /** Objective of the home-router choice: `min-max` or `min-avg` (`hier`). */
  hierObjective?: string;
}

/**
 * How the controller turns registry changes into forwarding-table commands (`--installer-type`).
 * The controller has already updated its registry when it calls these; each is called for one
 * change at a time. A router whose command fails must be dropped through the context.
 */
export interface InstallerLogic {
  /** A computer appeared (or came back with other containers, after {@link computerRemoved}). */
  computerAdded(endpoint: string, containers: readonly ContainerInfo[]): Promise<void>;
  /** A computer is gone; `lambdas` are those of its containers, in order. */
  computerRemoved(endpoint: string, lambdas: readonly string[]): Promise<void>;
  /** A router appeared (or came back with other end-points, after {@link routerRemoved}). */
  routerAdded(router: RouterEndpoints): Promise<void>;
  /** A router was replaced by a re-announce with other end-points. */
  routerRemoved(router: RouterEndpoints): Promise<void>;
  /**
   * A known router announced itself again with the same end-points: it restarted, and its tables are
   * empty. Installs every route it should have (CHANGE, no FLUSH), dropping it if that fails.
   */
  routerAnnouncedAgain(router: RouterEndpoints): Promise<void>;
  /** Rewrites every known router's tables from scratch (after a restart from saved state). */
  reprogram(): Promise<void>;
  /**
   * What each known router reaches as the logic programmed it, by router lambda end-point (every
   * known router has an entry, maybe empty), computers in end-point order.
   */
  reachability(): Map<string, RouterReach[]>;
}

/** Creates an installer logic over a controller's context. */
export type InstallerFactory = (context: InstallerContext, options: InstallerOptions) => InstallerLogic;

/**
 * The installer logics by `--installer-type` name; each registers itself from its `setup()` (see
 * installer-types.ts, which registers the built-in ones).
 */
export const installerTypes = new Registry<InstallerFactory>(
  (name, known) =>
    new Error(`Invalid installer type '${name}', choose one in: ${[...known].sort().join(',')}`),
);

/** The valid `--installer-type` names, sorted and comma-separated as the original lists them. */
export function installerTypeNames(): string {
  return installerTypes.names().sort().join(',');
}

/** Creates the installer logic of a type; an unknown type fails naming the valid ones. */
export function createInstallerLogic(
  type: string,
  context: InstallerContext,
  options: InstallerOptions = {},
): InstallerLogic {
  return installerTypes.get(type)(context, options);
}
