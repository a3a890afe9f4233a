import type { ContainerInfo } from '../protocol/messages.js';
import { logger } from '../support/logger.js';
import { installerTypes, type InstallerContext, type InstallerLogic } from './installer-logic.js';
import type { KnownComputer, RouterEndpoints, RouterReach } from './registry-entries.js';
import type { RouteEntry } from './router-installer.js';

const log = logger('controller');

/** Byte-wise string order, as `std::map<std::string, …>` sorts its keys. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The final route to a computer for one lambda, at weight 1. */
function finalRoute(lambda: string, computer: string): RouteEntry {
  return { lambda, destination: computer, weight: 1, final: true };
}

/** Every (lambda, computer) route: computers in end-point order, lambdas in container order. */
function allRoutes(computers: readonly KnownComputer[]): RouteEntry[] {
  return computers.flatMap((c) => c.containers.map((k) => finalRoute(k.lambda, c.endpoint)));
}

/**
 * The `flat` installer (spec §6.3): every router knows every computer directly. A computer's lambdas
 * are installed as final routes of weight 1 at every router, a new router gets all known routes, a
 * removed computer's routes are removed everywhere; a router that fails a command is dropped.
 */
export class FlatInstallerLogic implements InstallerLogic {
  constructor(private readonly context: InstallerContext) {
    log.info('Created a controller with flat routing');
  }

  /** CHANGE (lambda, computer, 1, final) for each of its containers, to every router. */
  async computerAdded(endpoint: string, containers: readonly ContainerInfo[]): Promise<void> {
    const entries = containers.map((c) => finalRoute(c.lambda, endpoint));
    await this.everyRouter((r) => this.context.installer.change(r.forwardingEndpoint, entries));
  }

  /** REMOVE (lambda, computer) for each of its lambdas, at every router. */
  async computerRemoved(endpoint: string, lambdas: readonly string[]): Promise<void> {
    await this.everyRouter((r) => this.context.installer.remove(r.forwardingEndpoint, endpoint, lambdas));
  }

  /** All known routes to the new router (nothing if there are none). */
  async routerAdded(router: RouterEndpoints): Promise<void> {
    const entries = allRoutes(this.context.computers());
    if (entries.length === 0) return;
    try {
      await this.context.installer.change(router.forwardingEndpoint, entries);
    } catch {
      this.context.dropRouter(router);
    }
  }

  /** Nothing to do: the other routers do not depend on it. */
  async routerRemoved(): Promise<void> {}

  /** All known routes to the router again, as to a new one. */
  async routerAnnouncedAgain(router: RouterEndpoints): Promise<void> {
    await this.routerAdded(router);
  }

  /** FLUSH then all known routes, at every router. */
  async reprogram(): Promise<void> {
    const entries = allRoutes(this.context.computers());
    await this.everyRouter(async (r) => {
      await this.context.installer.flush(r.forwardingEndpoint);
      if (entries.length > 0) await this.context.installer.change(r.forwardingEndpoint, entries);
    });
  }

  /** Every router reaches every computer directly, for each of its lambdas. */
  reachability(): Map<string, RouterReach[]> {
    const reaches = this.context.computers().map((c) => ({
      computer: c.endpoint,
      lambdas: [...new Set(c.containers.map((k) => k.lambda))].sort(byteOrder),
      via: null,
    }));
    return new Map(
      this.context
        .routers()
        .map((r) => [r.lambdaEndpoint, reaches.map((x) => ({ ...x, lambdas: [...x.lambdas] }))]),
    );
  }

  /** Runs a command at each router in turn, dropping those where it fails. */
  private async everyRouter(command: (router: RouterEndpoints) => Promise<void>): Promise<void> {
    for (const router of this.context.routers()) {
      try {
        await command(router);
      } catch {
        this.context.dropRouter(router);
      }
    }
  }
}

/** Registers the `flat` installer. */
export function setup(): void {
  installerTypes.register('flat', (context) => new FlatInstallerLogic(context));
}
