import { randomUUID } from 'node:crypto';
import type { AddressTuple, ContextTuple } from '../protocol/messages.js';
import { logger } from '../support/logger.js';
import { appInfoProblem, appKey, lambdaApp, type AppInfo } from './app-info.js';

const log = logger('mec');

/** Which REST flavour created a context: the original's Mx2 or GS MEC 016 v2.2.1 (`dev_app`). */
export type ContextApi = 'mx2' | 'dev_app';

/** An active UE application context. */
export interface AppContextEntry {
  /** Assigned by the proxy: a UUID for Mx2, 32 hex digits for dev_app (its limit is 32 characters). */
  contextId: string;
  /** `associateUeAppId` (Mx2) or `associateDevAppId` (dev_app), chosen by the device. */
  ueAppId: string;
  /** Where notifications go; '' for none. */
  callbackReference: string;
  /** The device's address as the proxy's HTTP server saw it. */
  clientAddress: string;
  /** The application of the context, as listed. */
  app: AppInfo;
  /** The end-point (`host:port`) currently associated; '' when no association matches any more. */
  endpoint: string;
  api: ContextApi;
}

/** What a notification tells a device: its context's end-point changed, or the context was deleted. */
export type NotificationKind = 'update' | 'delete';

/**
 * Tells a context's device that its end-point changed (or, `delete`, that the MEC system deleted its
 * context); resolves true if the device acknowledged (HTTP 204), false if not (any other answer, no answer
 * in time, unreachable): a changed context is then purged.
 */
export type ContextNotifier = (
  context: Readonly<AppContextEntry>,
  kind?: NotificationKind,
) => Promise<boolean>;

/** How a {@link UeAppLcmProxy} is bounded and notifies. */
export interface UeAppLcmProxyOptions {
  /** Most active contexts; more creations are refused (403). Default 10,000. */
  maxContexts?: number;
  /** Most applications in the list; more additions fail. Default 1,000. */
  maxApps?: number;
  /** Most address associations; more fail. Default 100,000. */
  maxAssociations?: number;
  /** Sends the notifications; default: none is sent (every context is kept). */
  notifier?: ContextNotifier;
  /** Notifications sent at the same time, at most. Default 16. */
  notifyConcurrency?: number;
}

/** What a device asks for when creating a context. */
export interface ContextRequest {
  ueAppId: string;
  callbackReference: string;
  clientAddress: string;
  /** The listed application the request names (see {@link UeAppLcmProxy.findApp}). */
  app: AppInfo;
  api: ContextApi;
}

/** Byte-wise string order, as `std::map<std::string, …>` sorts its keys. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Key of an association: client address ('' = any) and application name. */
function associationKey(client: string, appName: string): string {
  return JSON.stringify([client, appName]);
}

/**
 * The UE application LCM proxy's state (spec §9.1, §9.2): the applications offered, the associations of
 * (client address, application name) to an edge end-point (client '' = any client), and the active
 * contexts. When an association change alters a context's end-point, its device is notified; a device
 * that does not acknowledge loses its context. Every collection is bounded.
 */
export class UeAppLcmProxy {
  private readonly appsByKey = new Map<string, AppInfo>();
  private readonly associations = new Map<string, AddressTuple>();
  private readonly contextsById = new Map<string, AppContextEntry>();
  private readonly contextIdByUeApp = new Map<string, string>();
  private readonly maxContexts: number;
  private readonly maxApps: number;
  private readonly maxAssociations: number;
  private readonly notifier: ContextNotifier | undefined;
  private readonly notifyConcurrency: number;

  constructor(options: UeAppLcmProxyOptions = {}) {
    this.maxContexts = options.maxContexts ?? 10_000;
    this.maxApps = options.maxApps ?? 1_000;
    this.maxAssociations = options.maxAssociations ?? 100_000;
    this.notifier = options.notifier;
    this.notifyConcurrency = Math.max(1, options.notifyConcurrency ?? 16);
  }

  /** The applications, sorted by `name+provider+version` (byte order). */
  apps(): AppInfo[] {
    return [...this.appsByKey.entries()].sort(([a], [b]) => byteOrder(a, b)).map(([, app]) => app);
  }

  /** Adds (or replaces) an application; fails on a malformed one or when the list is full. */
  addApp(app: AppInfo): void {
    const problem = appInfoProblem(app);
    if (problem !== undefined) throw new Error(`Invalid application: ${problem}`);
    const key = appKey(app);
    if (!this.appsByKey.has(key) && this.appsByKey.size >= this.maxApps)
      throw new Error(`Too many applications (at most ${this.maxApps})`);
    this.appsByKey.set(key, app);
  }

  /**
   * Removes an application; true if it was listed. Its GS MEC 016 contexts go with it, each device told
   * with an ApplicationContextDeleteNotification (resolving once every notification was answered or timed
   * out); Mx2 contexts stay, as the original kept them, with no end-point until the application returns.
   */
  async removeApp(app: Pick<AppInfo, 'appName' | 'appProvider' | 'appSoftVersion'>): Promise<boolean> {
    const key = appKey(app);
    if (!this.appsByKey.delete(key)) return false;
    const gone = [...this.contextsById.values()].filter((e) => e.api !== 'mx2' && appKey(e.app) === key);
    for (const entry of gone) this.deleteContext(entry.contextId);
    await this.notifyAll(gone, 'delete');
    return true;
  }

  /** Adds the application of a lambda (provider `OpenLambdaMec`, version `1.0`). */
  addLambda(lambda: string): void {
    this.addApp(lambdaApp(lambda));
  }

  /** Removes the application of a lambda (see {@link removeApp}). */
  async delLambda(lambda: string): Promise<void> {
    await this.removeApp(lambdaApp(lambda));
  }

  /**
   * The listed application matching a request: same name and provider, and the same version when
   * `version` is given ('' included, as the original); undefined if none.
   */
  findApp(appName: string, appProvider: string, version?: string): AppInfo | undefined {
    if (version !== undefined)
      return this.appsByKey.get(appKey({ appName, appProvider, appSoftVersion: version }));
    return this.apps().find((a) => a.appName === appName && a.appProvider === appProvider);
  }

  /** The address associations, by client address then application name (byte order). */
  table(): AddressTuple[] {
    return [...this.associations.values()]
      .sort((a, b) => byteOrder(a.client, b.client) || byteOrder(a.appName, b.appName))
      .map((t) => ({ ...t }));
  }

  /** The active contexts (client address, application name, end-point), by context id. */
  contexts(): ContextTuple[] {
    return [...this.contextsById.values()]
      .sort((a, b) => byteOrder(a.contextId, b.contextId))
      .map((c) => ({ address: c.clientAddress, appName: c.app.appName, edgeRouter: c.endpoint }));
  }

  /** The number of active contexts. */
  numContexts(): number {
    return this.contextsById.size;
  }

  /** A context by id. */
  context(contextId: string): Readonly<AppContextEntry> | undefined {
    return this.contextsById.get(contextId);
  }

  /** The end-point for a client and an application: its own association first, else the any-client one. */
  endpointOf(clientAddress: string, appName: string): string | undefined {
    return (
      this.associations.get(associationKey(clientAddress, appName))?.server ??
      this.associations.get(associationKey('', appName))?.server
    );
  }

  /**
   * Associates a client address ('' = any) and an application name to an end-point, and notifies the
   * contexts whose end-point changes; resolves once they are notified.
   */
  async associate(client: string, appName: string, server: string): Promise<void> {
    if (appName === '') throw new Error('Empty application name');
    if (server === '') throw new Error('Empty edge router end-point');
    const key = associationKey(client, appName);
    const known = this.associations.get(key);
    if (known?.server === server) return;
    if (known === undefined && this.associations.size >= this.maxAssociations)
      throw new Error(`Too many associations (at most ${this.maxAssociations})`);
    this.associations.set(key, { client, appName, server });
    log.debug(1, `associated <${client}, ${appName}> to ${server}`);
    await this.refresh(appName);
  }

  /** Removes the association of a client address ('' = any) and an application name, if any. */
  async remove(client: string, appName: string): Promise<void> {
    if (appName === '') throw new Error('Empty application name');
    if (!this.associations.delete(associationKey(client, appName))) {
      log.warn(`trying to remove unexisting entry for <${client}, ${appName}>: ignored`);
    }
    await this.refresh(appName);
  }

  /**
   * Creates a context for a listed application; undefined (refused) if there is no association for the
   * client and the application, if the device already has a context, or if the contexts are at their bound.
   */
  createContext(request: ContextRequest): AppContextEntry | undefined {
    const endpoint = this.endpointOf(request.clientAddress, request.app.appName);
    if (endpoint === undefined) return undefined;
    if (this.contextIdByUeApp.has(request.ueAppId)) return undefined;
    if (this.contextsById.size >= this.maxContexts) {
      log.warn(`context refused to ${request.clientAddress}: already ${this.maxContexts} contexts`);
      return undefined;
    }
    const uuid = randomUUID();
    const contextId = request.api === 'mx2' ? uuid : uuid.replaceAll('-', '');
    const entry: AppContextEntry = { ...request, contextId, endpoint };
    this.contextsById.set(contextId, entry);
    this.contextIdByUeApp.set(request.ueAppId, contextId);
    log.debug(1, `context ${contextId} of ${request.clientAddress} for ${request.app.appName}: ${endpoint}`);
    return { ...entry };
  }

  /** The context of a device application id (`associateUeAppId`). */
  contextOfUeApp(ueAppId: string): Readonly<AppContextEntry> | undefined {
    const id = this.contextIdByUeApp.get(ueAppId);
    return id === undefined ? undefined : this.contextsById.get(id);
  }

  /** Changes the callback reference of a context; false if there is no such context. */
  updateCallback(contextId: string, callbackReference: string): boolean {
    const entry = this.contextsById.get(contextId);
    if (entry === undefined) return false;
    entry.callbackReference = callbackReference;
    return true;
  }

  /** Deletes a context; false if there is no such context. */
  deleteContext(contextId: string): boolean {
    const entry = this.contextsById.get(contextId);
    if (entry === undefined) return false;
    this.contextsById.delete(contextId);
    this.contextIdByUeApp.delete(entry.ueAppId);
    return true;
  }

  /**
   * Re-resolves the end-point of every context of an application after an association change: a changed
   * one is notified; one with no association left gets an empty end-point and no notification.
   */
  private async refresh(appName: string): Promise<void> {
    const changed: AppContextEntry[] = [];
    for (const entry of this.contextsById.values()) {
      if (entry.app.appName !== appName) continue;
      const endpoint = this.endpointOf(entry.clientAddress, appName);
      if (endpoint === undefined) {
        if (entry.endpoint !== '')
          log.error(`<${entry.clientAddress}, ${appName}> has no valid target edge router`);
        entry.endpoint = '';
      } else if (endpoint !== entry.endpoint) {
        entry.endpoint = endpoint;
        changed.push(entry);
      }
    }
    await this.notifyAll(changed);
  }

  /**
   * Notifies the changed (or deleted) contexts, a bounded number at a time; purges the changed ones not
   * acknowledged.
   */
  private async notifyAll(changed: AppContextEntry[], kind: NotificationKind = 'update'): Promise<void> {
    const notifier = this.notifier;
    if (notifier === undefined || changed.length === 0) return;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < changed.length) {
        const entry = changed[next++]!;
        if (entry.callbackReference === '') continue;
        let ok: boolean;
        try {
          ok = await notifier({ ...entry }, kind);
        } catch (err) {
          log.warn(`notifying context ${entry.contextId}: ${(err as Error).message}`);
          ok = false;
        }
        if (!ok && kind === 'update' && this.contextsById.get(entry.contextId) === entry) {
          this.deleteContext(entry.contextId);
          log.warn(`context ${entry.contextId} purged: its device did not acknowledge the notification`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.notifyConcurrency, changed.length) }, worker));
  }
}
