import type { ContainerInfo } from '../protocol/messages.js';
import { logger } from '../support/logger.js';
import type { ControllerState, ControllerStateFile } from './controller-state.js';
import type { InstallerContext, InstallerLogic, InstallerOptions } from './installer-logic.js';
import { createInstallerLogic } from './installer-types.js';
import {
  formatContainers,
  formatRouter,
  sameContainers,
  type KnownComputer,
  type RouterEndpoints,
  type RouterReach,
} from './registry-entries.js';
import type { RouterInstaller } from './router-installer.js';

const log = logger('controller');

/** Observers of the controller's registry (what the ETSI logics use); all optional, called synchronously. */
export interface ControllerHooks {
  /** The first computer offering `lambda` appeared. */
  lambdaAdded?(lambda: string): void;
  /** The last computer offering `lambda` is gone. */
  lambdaRemoved?(lambda: string): void;
  /** A computer was added, with the lambdas of its containers in order. */
  computerAdded?(endpoint: string, lambdas: readonly string[]): void;
  /** A computer was removed, with the lambdas of its containers in order. */
  computerRemoved?(endpoint: string, lambdas: readonly string[]): void;
}

/** How to build an {@link EdgeController}. */
export interface EdgeControllerOptions {
  /** Programs the routers. */
  installer: RouterInstaller;
  /** `--installer-type` (default `flat`); unknown types fail naming the valid ones. */
  installerType?: string;
  /** Options of the installer logic. */
  installerOptions?: InstallerOptions;
  /** Where to keep the registry across restarts; undefined: nowhere. */
  stateFile?: ControllerStateFile;
  /** Registry observers. */
  hooks?: ControllerHooks;
}

/** Byte-wise string order, as `std::map<std::string, …>` sorts its keys. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The e-controller's registry (spec §6.2) driving an installer logic (§6.3): computers by end-point
 * with their containers, the lambdas they offer, and the routers to program. An identical re-announce
 * of a computer changes nothing; a different container list is a removal followed by an addition. A
 * router re-announced with a different end-point replaces the one sharing the other end-point; one
 * re-announced identically (restarted, its tables empty) gets its routes installed again.
 * With a state file, the registry is saved after every change and {@link restore} reloads it.
 *
 * Calls must not overlap: the caller awaits each before the next (the gRPC server queues them).
 */
export class EdgeController {
  private readonly computerMap = new Map<string, readonly ContainerInfo[]>();
  private routerList: RouterEndpoints[] = [];
  private readonly lambdaMap = new Map<string, Set<string>>();
  /** Management end-points of the computers that announced one (js computers), by lambda end-point. */
  private readonly managementMap = new Map<string, string>();
  private readonly logic: InstallerLogic;
  private readonly stateFile: ControllerStateFile | undefined;
  private readonly hooks: ControllerHooks;
  /** The `--installer-type` programming the routers. */
  readonly installerType: string;

  constructor(options: EdgeControllerOptions) {
    this.installerType = options.installerType ?? 'flat';
    this.stateFile = options.stateFile;
    this.hooks = options.hooks ?? {};
    const context: InstallerContext = {
      installer: options.installer,
      computers: () => this.computers(),
      routers: () => [...this.routerList],
      dropRouter: (router) => this.dropRouter(router),
    };
    this.logic = createInstallerLogic(this.installerType, context, options.installerOptions);
  }

  /** The known computers, in end-point order. */
  computers(): KnownComputer[] {
    return [...this.computerMap.keys()]
      .sort(byteOrder)
      .map((endpoint) => ({ endpoint, containers: this.computerMap.get(endpoint)! }));
  }

  /** The known routers, oldest announce first. */
  routers(): RouterEndpoints[] {
    return this.routerList.map((r) => ({ ...r }));
  }

  /** The lambdas offered by at least one computer, sorted. */
  lambdas(): string[] {
    return [...this.lambdaMap.keys()].sort(byteOrder);
  }

  /** The computers offering a lambda, in end-point order. */
  computersOf(lambda: string): string[] {
    return [...(this.lambdaMap.get(lambda) ?? [])].sort(byteOrder);
  }

  /** The management end-point a known computer announced (a js computer's API), or ''. */
  managementEndpointOf(endpoint: string): string {
    return this.managementMap.get(endpoint) ?? '';
  }

  /** What each known router reaches, by router lambda end-point (see {@link InstallerLogic.reachability}). */
  reachability(): Map<string, RouterReach[]> {
    return this.logic.reachability();
  }

  /** The registry as saved to the state file. */
  snapshot(): ControllerState {
    return {
      computers: this.computers().map((c) => {
        const management = this.managementEndpointOf(c.endpoint);
        return {
          endpoint: c.endpoint,
          containers: [...c.containers],
          ...(management === '' ? {} : { managementEndpoint: management }),
        };
      }),
      routers: this.routers(),
    };
  }

  /** The registry as the original prints it: `computer <ep>\n<containers>` each, then the routers. */
  print(): string {
    return (
      this.computers()
        .map((c) => `computer ${c.endpoint}\n${formatContainers(c.containers)}`)
        .join('') + this.routerList.map((r) => `${formatRouter(r)}\n`).join('')
    );
  }

  /**
   * A computer announces (or re-announces) itself with its containers and, a js computer, its management
   * end-point (kept apart: a change of it alone changes no route).
   */
  async announceComputer(
    endpoint: string,
    containers: readonly ContainerInfo[],
    managementEndpoint = '',
  ): Promise<void> {
    log.info(`computer announce from ${endpoint}:\n${formatContainers(containers).trimEnd()}`);
    const known = this.computerMap.get(endpoint);
    const setManagement = (): void => {
      if (managementEndpoint === '') this.managementMap.delete(endpoint);
      else this.managementMap.set(endpoint, managementEndpoint);
    };
    if (known !== undefined) {
      if (sameContainers(known, containers)) {
        if (this.managementEndpointOf(endpoint) === managementEndpoint) return;
        setManagement();
        return this.save();
      }
      await this.removeKnownComputer(endpoint, known);
    }
    setManagement();
    const copy = containers.map((c) => ({ ...c }));
    this.register(endpoint, copy);
    this.save();
    await this.logic.computerAdded(endpoint, copy);
  }

  /** A router announces (or re-announces) itself with its lambda and forwarding-table end-points. */
  async announceRouter(lambdaEndpoint: string, forwardingEndpoint: string): Promise<void> {
    log.info(`router announce from ${lambdaEndpoint} with forwarding table server ${forwardingEndpoint}`);
    const router: RouterEndpoints = { lambdaEndpoint, forwardingEndpoint };
    const matchLambda = (r: RouterEndpoints): boolean => r.lambdaEndpoint === lambdaEndpoint;
    const matchForwarding = (r: RouterEndpoints): boolean => r.forwardingEndpoint === forwardingEndpoint;
    const known = this.routerList.find((r) => matchLambda(r) && matchForwarding(r));
    if (known !== undefined) {
      // The router restarted (it announces once, at start): its tables are empty, reinstall them.
      await this.logic.routerAnnouncedAgain(known);
      return;
    }
    const replaced = this.routerList.filter((r) => matchLambda(r) || matchForwarding(r));
    for (const old of replaced) {
      this.dropRouter(old);
      await this.logic.routerRemoved(old);
    }
    this.routerList.push(router);
    this.save();
    await this.logic.routerAdded(router);
  }

  /** A computer is gone (it said so, or a router could not reach it); unknown computers are ignored. */
  async removeComputer(endpoint: string): Promise<void> {
    const known = this.computerMap.get(endpoint);
    if (known === undefined) {
      log.info(`computer removed ${endpoint}: not known, ignored`);
      return;
    }
    await this.removeKnownComputer(endpoint, known);
  }

  /**
   * Loads the state file (if any, and if it exists) into this empty controller and reprograms every
   * known router from scratch, then saves what is left (routers that failed are dropped). Fails if
   * the file is corrupt or cannot be written.
   */
  async restore(): Promise<ControllerState | undefined> {
    const state = this.stateFile?.load();
    if (state === undefined) {
      this.stateFile?.save(this.snapshot());
      return undefined;
    }
    if (this.computerMap.size > 0 || this.routerList.length > 0) {
      throw new Error('Cannot restore the state of a controller already in use');
    }
    for (const c of state.computers) {
      this.register(c.endpoint, c.containers);
      if (c.managementEndpoint !== undefined) this.managementMap.set(c.endpoint, c.managementEndpoint);
    }
    this.routerList = state.routers.map((r) => ({ ...r }));
    log.info(
      `restored ${state.computers.length} computers and ${state.routers.length} routers ` +
        `from '${this.stateFile!.path}'`,
    );
    await this.logic.reprogram();
    this.stateFile!.save(this.snapshot());
    return state;
  }

  /** Adds a computer to the registry and the lambda index, firing the hooks. */
  private register(endpoint: string, containers: readonly ContainerInfo[]): void {
    this.computerMap.set(endpoint, containers);
    for (const c of containers) {
      let set = this.lambdaMap.get(c.lambda);
      if (set === undefined) {
        set = new Set();
        this.lambdaMap.set(c.lambda, set);
        this.hooks.lambdaAdded?.(c.lambda);
      }
      set.add(endpoint);
    }
    this.hooks.computerAdded?.(
      endpoint,
      containers.map((c) => c.lambda),
    );
  }

  /** Removes a known computer from the registry, fires the hooks and removes its routes. */
  private async removeKnownComputer(endpoint: string, containers: readonly ContainerInfo[]): Promise<void> {
    const lambdas = containers.map((c) => c.lambda);
    log.info(`computer removed ${endpoint}, lambdas served: ${lambdas.join(', ')}`);
    this.computerMap.delete(endpoint);
    this.managementMap.delete(endpoint);
    for (const lambda of lambdas) {
      const set = this.lambdaMap.get(lambda);
      if (set === undefined || !set.delete(endpoint)) continue;
      if (set.size === 0) {
        this.lambdaMap.delete(lambda);
        this.hooks.lambdaRemoved?.(lambda);
      }
    }
    this.hooks.computerRemoved?.(endpoint, lambdas);
    this.save();
    await this.logic.computerRemoved(endpoint, lambdas);
  }

  /** Forgets a router (if known) and saves. */
  private dropRouter(router: RouterEndpoints): void {
    const i = this.routerList.findIndex(
      (r) => r.lambdaEndpoint === router.lambdaEndpoint && r.forwardingEndpoint === router.forwardingEndpoint,
    );
    if (i < 0) return;
    log.info(
      `removing edge-server ${router.lambdaEndpoint} edge-router ${router.forwardingEndpoint} from the known routers`,
    );
    this.routerList.splice(i, 1);
    this.save();
  }

  /** Saves the registry if there is a state file; a failure is logged (the controller keeps working). */
  private save(): void {
    if (this.stateFile === undefined) return;
    try {
      this.stateFile.save(this.snapshot());
    } catch (err) {
      log.error((err as Error).message);
    }
  }
}
