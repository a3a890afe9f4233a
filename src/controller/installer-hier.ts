import { randomInt } from 'node:crypto';
import type { ContainerInfo } from '../protocol/messages.js';
import { logger } from '../support/logger.js';
import { Random } from '../support/random.js';
import { homeRouterAddress, parseHierObjective, type HierObjective } from './installer-hier-home.js';
import {
  installerTypes,
  type InstallerContext,
  type InstallerLogic,
  type InstallerOptions,
} from './installer-logic.js';
import { InvalidNodeError, NodeTopology } from './node-topology.js';
import type { RouterEndpoints, RouterReach } from './registry-entries.js';
import type { RouteEntry } from './router-installer.js';

const log = logger('controller');

/** Options of the `hier` installer: those of every installer, plus its source of randomness. */
export interface HierInstallerOptions extends InstallerOptions {
  /**
   * Draws the `--topology-randomized` distances and picks among routers sharing an address
   * (default: a generator with a random seed).
   */
  random?: Random;
}

/** The address of an end-point: what precedes its first `:` (so no IPv6 literals, as the original). */
function endpointAddress(endpoint: string): string {
  const i = endpoint.indexOf(':');
  if (i <= 0 || i === endpoint.length - 1) throw new Error(`Invalid end-point: ${endpoint}`);
  return endpoint.slice(0, i);
}

/** Byte-wise string order, as `std::map<std::string, …>` sorts its keys. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The routers in lambda end-point order (the order in which the original flushes and removes). */
function byLambdaEndpoint(routers: readonly RouterEndpoints[]): RouterEndpoints[] {
  return [...routers].sort((a, b) => byteOrder(a.lambdaEndpoint, b.lambdaEndpoint));
}

/** One REMOVE to send: the routes of `lambda` towards `destination`, at `router`. */
interface Removal {
  router: RouterEndpoints;
  destination: string;
  lambda: string;
}

/**
 * The `hier` installer (spec §6.4): each computer has a home router, chosen over a topology of
 * distances by an objective; the home router has final routes to its computers, every other router
 * a non-final route to the home router for each lambda offered behind it. Adding or dropping a
 * router flushes every router and installs everything again. Unlike the original (quirk Q7), the
 * REMOVE of a computer's routes at its home router goes to the home router's forwarding-table
 * end-point. A router announced at an address the topology does not know is refused and forgotten.
 */
export class HierInstallerLogic implements InstallerLogic {
  private topology: NodeTopology | undefined;
  private goal: HierObjective | undefined;
  private readonly random: Random;
  /** Home router address by computer address, valid for the router addresses in {@link closestFor}. */
  private readonly closest = new Map<string, string>();
  private closestFor = '';
  /** By home router lambda end-point: the computers behind it offering each lambda. */
  private readonly announced = new Map<string, Map<string, Set<string>>>();
  /** Count of resets started, so that a reset overtaken by a nested one stops. */
  private resets = 0;

  /**
   * Loads `topologyFile` (randomized if `topologyRandomized`) and sets `hierObjective`, those given;
   * a bad file or objective fails. Without them, see {@link loadTopology} and {@link objective}.
   */
  constructor(
    private readonly context: InstallerContext,
    options: HierInstallerOptions = {},
  ) {
    log.info('Created a controller with hierarchical routing');
    this.random = options.random ?? new Random(randomInt(2 ** 32));
    const topology = options.topologyFile === undefined ? undefined : NodeTopology.load(options.topologyFile);
    if (topology !== undefined && options.topologyRandomized === true) topology.randomize(this.random);
    if (options.hierObjective !== undefined) this.objective(parseHierObjective(options.hierObjective));
    if (topology !== undefined) this.loadTopology(topology);
  }

  /** Sets the topology; it cannot be changed afterwards. */
  loadTopology(topology: NodeTopology): void {
    if (this.topology !== undefined) throw new Error('Topology already loaded, cannot be changed afterwards');
    this.topology = topology;
    log.info(`Loaded the following topology in the controller:\n${topology.toString().trimEnd()}`);
  }

  /** Sets the objective of the home-router choice; it cannot be changed afterwards. */
  objective(objective: HierObjective): void {
    if (this.goal !== undefined) throw new Error('Objective already set, cannot be changed afterwards');
    this.goal = objective;
    log.info(`Set the following objective in the controller: ${objective}`);
  }

  /**
   * Final routes to the computer at its home router, then a non-final route to the home router at
   * every other router for each lambda nobody offered behind that home yet. Nothing without routers.
   */
  async computerAdded(endpoint: string, containers: readonly ContainerInfo[]): Promise<void> {
    const routers = this.context.routers();
    if (routers.length === 0) return;
    const home = this.homeRouter(endpointAddress(endpoint), routers);
    const entries: RouteEntry[] = containers.map((c) => ({
      lambda: c.lambda,
      destination: endpoint,
      weight: 1,
      final: true,
    }));
    if (!(await this.send(home, (fwd) => this.context.installer.change(fwd, entries)))) return;

    let lambdas = this.announced.get(home.lambdaEndpoint);
    if (lambdas === undefined) {
      lambdas = new Map();
      this.announced.set(home.lambdaEndpoint, lambdas);
    }
    const relayed: RouteEntry[] = [];
    for (const { lambda } of entries) {
      let computers = lambdas.get(lambda);
      if (computers === undefined) {
        computers = new Set();
        lambdas.set(lambda, computers);
      }
      if (computers.has(endpoint)) {
        log.warn(`Announcing again the same computer at ${endpoint} for lambda ${lambda}`);
        continue;
      }
      computers.add(endpoint);
      if (computers.size === 1) {
        relayed.push({ lambda, destination: home.lambdaEndpoint, weight: 1, final: false });
      }
    }
    if (relayed.length === 0) return;
    for (const router of routers) {
      if (router.lambdaEndpoint === home.lambdaEndpoint) continue;
      if (!(await this.send(router, (fwd) => this.context.installer.change(fwd, relayed)))) return;
    }
  }

  /**
   * For each lambda: REMOVE the route to the computer at its home router and, if it was the last
   * computer offering the lambda behind that home, the route to the home router at every other one.
   */
  async computerRemoved(endpoint: string, lambdas: readonly string[]): Promise<void> {
    const routers = byLambdaEndpoint(this.context.routers());
    const removals: Removal[] = [];
    for (const lambda of lambdas) {
      for (const [homeEndpoint, served] of this.announced) {
        const computers = served.get(lambda);
        if (computers === undefined || !computers.delete(endpoint)) continue;
        const home = routers.find((r) => r.lambdaEndpoint === homeEndpoint);
        if (home !== undefined) removals.push({ router: home, destination: endpoint, lambda });
        if (computers.size === 0) {
          for (const router of routers) {
            if (router.lambdaEndpoint !== homeEndpoint) {
              removals.push({ router, destination: homeEndpoint, lambda });
            }
          }
          served.delete(lambda);
          if (served.size === 0) this.announced.delete(homeEndpoint);
        }
        break;
      }
    }
    for (const { router, destination, lambda } of removals) {
      const done = await this.send(router, (fwd) =>
        this.context.installer.remove(fwd, destination, [lambda]),
      );
      if (!done) return;
    }
  }

  /**
   * Flushes every router and installs everything again. A router at an address unknown to the
   * topology is forgotten and refused with `Invalid or unknown node '<address>'`.
   */
  async routerAdded(router: RouterEndpoints): Promise<void> {
    try {
      const address = endpointAddress(router.lambdaEndpoint);
      if (this.topology !== undefined && !this.topology.has(address)) throw new InvalidNodeError(address);
    } catch (err) {
      this.context.dropRouter(router);
      throw err;
    }
    await this.reset();
  }

  /** Flushes every router and installs everything again. */
  async routerRemoved(): Promise<void> {
    await this.reset();
  }

  /**
   * The routes the router has when nothing changed since they were installed: final routes to the
   * computers it is home to, a non-final route to each other home router for each lambda behind it.
   * The other routers are left alone; if the router fails, it is dropped and everything reset.
   */
  async routerAnnouncedAgain(router: RouterEndpoints): Promise<void> {
    const entries: RouteEntry[] = [];
    for (const [home, served] of this.announced) {
      for (const [lambda, computers] of served) {
        if (home !== router.lambdaEndpoint) {
          entries.push({ lambda, destination: home, weight: 1, final: false });
          continue;
        }
        for (const computer of computers)
          entries.push({ lambda, destination: computer, weight: 1, final: true });
      }
    }
    if (entries.length > 0) await this.send(router, (fwd) => this.context.installer.change(fwd, entries));
  }

  /** Flushes every router and installs everything again. */
  async reprogram(): Promise<void> {
    await this.reset();
  }

  /**
   * Each home router reaches its computers directly; every other router reaches them through the home
   * router, for the lambdas offered behind it (as installed by the last reset and the changes since).
   */
  reachability(): Map<string, RouterReach[]> {
    const routers = this.context.routers();
    const byRouter = new Map<string, Map<string, RouterReach>>(
      routers.map((r) => [r.lambdaEndpoint, new Map()]),
    );
    const add = (router: string, computer: string, lambda: string, via: string | null): void => {
      const reaches = byRouter.get(router);
      if (reaches === undefined) return;
      const key = `${computer}\n${via ?? ''}`;
      let reach = reaches.get(key);
      if (reach === undefined) {
        reach = { computer, lambdas: [], via };
        reaches.set(key, reach);
      }
      if (!reach.lambdas.includes(lambda)) reach.lambdas.push(lambda);
    };
    for (const [home, served] of this.announced) {
      for (const [lambda, computers] of served) {
        for (const computer of computers) {
          for (const router of routers) {
            const direct = router.lambdaEndpoint === home;
            add(router.lambdaEndpoint, computer, lambda, direct ? null : home);
          }
        }
      }
    }
    return new Map(
      [...byRouter].map(([router, reaches]) => [
        router,
        [...reaches.values()]
          .map((r) => ({ ...r, lambdas: r.lambdas.sort(byteOrder) }))
          .sort((a, b) => byteOrder(a.computer, b.computer) || byteOrder(a.via ?? '', b.via ?? '')),
      ]),
    );
  }

  /**
   * The home router of a computer: the router address chosen by the objective (cached until the set
   * of router addresses changes), and among the routers there, one at random.
   */
  private homeRouter(computerAddress: string, routers: readonly RouterEndpoints[]): RouterEndpoints {
    if (this.topology === undefined) throw new Error('Topology has not been loaded');
    if (this.goal === undefined) throw new Error('Objective not set');
    const byAddress = new Map<string, RouterEndpoints[]>();
    for (const router of routers) {
      const address = endpointAddress(router.lambdaEndpoint);
      byAddress.set(address, [...(byAddress.get(address) ?? []), router]);
    }
    const addresses = [...byAddress.keys()].sort(byteOrder).join('\n');
    if (addresses !== this.closestFor) {
      this.closest.clear();
      this.closestFor = addresses;
    }
    let address = this.closest.get(computerAddress);
    if (address === undefined) {
      address = homeRouterAddress(this.topology, this.goal, byAddress.keys(), computerAddress)!;
      this.closest.set(computerAddress, address);
    }
    const candidates = byAddress.get(address)!;
    return candidates.length === 1 ? candidates[0]! : this.random.pick(candidates);
  }

  /** Runs a command at a router; if it fails, forgets the router and resets everything, and says false. */
  private async send(
    router: RouterEndpoints,
    command: (forwarding: string) => Promise<void>,
  ): Promise<boolean> {
    try {
      await command(router.forwardingEndpoint);
      return true;
    } catch {
      this.context.dropRouter(router);
      await this.reset();
      return false;
    }
  }

  /**
   * Flushes every router (in lambda end-point order) and announces every computer again. A router
   * that fails is forgotten and a new reset takes over; a computer that cannot be placed (unknown
   * address) is skipped with a warning.
   */
  private async reset(): Promise<void> {
    const generation = ++this.resets;
    for (const router of byLambdaEndpoint(this.context.routers())) {
      if (!(await this.send(router, (fwd) => this.context.installer.flush(fwd)))) return;
    }
    this.announced.clear();
    for (const computer of this.context.computers()) {
      try {
        await this.computerAdded(computer.endpoint, computer.containers);
      } catch (err) {
        log.warn(`cannot install the routes of computer ${computer.endpoint}: ${(err as Error).message}`);
      }
      if (this.resets !== generation) return;
    }
  }
}

/** Registers the `hier` installer. */
export function setup(): void {
  installerTypes.register('hier', (context, options) => new HierInstallerLogic(context, options));
}
