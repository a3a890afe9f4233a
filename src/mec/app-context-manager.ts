import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../support/logger.js';
import { DEV_APP_PREFIX } from './dev-app-api.js';
import { httpJson, type SentRequest } from './http-json-client.js';
import { MX2_PREFIX } from './mx2-api.js';
import { fromReferenceUri } from './reference-uri.js';
import type { ContextApi } from './ue-app-lcm-proxy.js';

const log = logger('mec');

/** An application of the proxy's list, as a device names it. */
export interface ListedApp {
  appName: string;
  appProvider: string;
  appSoftVersion: string;
  /** The descriptor id (dev_app only). */
  appDId?: string;
  appDVersion?: string;
}

/** How an {@link AppContextManager} talks to the proxy. */
export interface AppContextManagerOptions {
  /** The proxy's API root, e.g. `http://127.0.0.1:6500`. */
  apiRoot: string;
  /** `dev_app` (GS MEC 016 v2.2.1, default) or `mx2` (the original's). */
  api?: ContextApi;
  /** Deadline of each REST call, in ms (default 5 s). */
  timeoutMs?: number;
  /** Bind the client side of the REST connections to this address (the address the proxy keys the device by). */
  localAddress?: string;
  /** Called with every request sent to the proxy (tests check them against the ETSI document). */
  observe?: (sent: SentRequest) => void;
}

/** One context of the manager. */
interface ManagedContext {
  contextId: string;
  endpoint: string;
}

/** Largest notification body accepted, in bytes. */
const MAX_NOTIFICATION_BYTES = 16 * 1024;

/**
 * The device side of the UE application LCM proxy (spec §9.4): lists the applications, creates contexts
 * with a callback reference `<notification URI>/<ueAppId>` served by its own small REST server (which
 * accepts the proxy's notifications and answers 204), keeps each context's current end-point, and deletes
 * its contexts when closed.
 */
export class AppContextManager {
  private readonly contexts = new Map<string, ManagedContext>();
  private readonly api: ContextApi;
  private readonly root: string;
  private readonly timeoutMs: number;
  private server: Server | undefined;
  private notificationUri = '';
  private starting: Promise<void> | undefined;
  private readonly listeners = new Set<(ueAppId: string, endpoint: string) => void>();

  constructor(private readonly options: AppContextManagerOptions) {
    this.api = options.api ?? 'dev_app';
    this.root = options.apiRoot.replace(/\/+$/, '') + (this.api === 'mx2' ? MX2_PREFIX : DEV_APP_PREFIX);
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  private call(method: string, path: string, body?: unknown): ReturnType<typeof httpJson> {
    return httpJson(method, this.root + path, body, {
      timeoutMs: this.timeoutMs,
      ...(this.options.localAddress !== undefined ? { localAddress: this.options.localAddress } : {}),
      ...(this.options.observe !== undefined ? { observe: this.options.observe } : {}),
    });
  }

  /** The applications the proxy lists (`GET app_list`). */
  async appList(): Promise<ListedApp[]> {
    const a = await this.call('GET', 'app_list');
    if (a.status !== 200)
      throw new Error(`Invalid response from the LCM proxy to app_list: HTTP ${a.status}`);
    await this.startNotifications(a.localAddress);
    const body = a.body as {
      appList?: { appInfo: ListedApp }[];
      ApplicationList?: { appInfo?: ListedApp[] };
    };
    const list = this.api === 'mx2' ? body?.ApplicationList?.appInfo : body?.appList?.map((x) => x.appInfo);
    if (!Array.isArray(list)) throw new Error('Invalid response from the LCM proxy to app_list');
    return list.map((x) => ({ ...x, appSoftVersion: x.appSoftVersion ?? '' }));
  }

  /** Starts the notification server on the address the proxy sees this device at (once). */
  private startNotifications(localAddress: string): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      const host = localAddress.replace(/^::ffff:/, '') || '127.0.0.1';
      const server = createServer((req, res) => this.onNotification(req, res));
      server.requestTimeout = 10_000;
      server.once('error', reject);
      server.listen(0, host, () => {
        const port = (server.address() as AddressInfo).port;
        this.notificationUri = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
        this.server = server;
        resolve();
      });
    });
    return this.starting;
  }

  /**
   * Creates a context for an application of the list; resolves with the device application id the
   * context is known by here. Fails unless the proxy answers 201 with an end-point.
   */
  async createContext(app: ListedApp): Promise<string> {
    if (this.server === undefined) await this.appList();
    const ueAppId = randomUUID().replaceAll('-', '');
    const callbackReference = `${this.notificationUri}/${ueAppId}`;
    const body =
      this.api === 'mx2'
        ? {
            associateUeAppId: ueAppId,
            callbackReference,
            appInfo: {
              appName: app.appName,
              appProvider: app.appProvider,
              ...(app.appSoftVersion !== '' ? { appSoftVersion: app.appSoftVersion } : {}),
            },
          }
        : {
            associateDevAppId: ueAppId,
            callbackReference,
            appInfo: {
              ...(app.appDId !== undefined ? { appDId: app.appDId } : {}),
              appName: app.appName,
              appProvider: app.appProvider,
              appSoftVersion: app.appSoftVersion,
              appDVersion: app.appDVersion ?? '1.0',
              userAppInstanceInfo: [{}],
            },
          };
    const a = await this.call('POST', 'app_contexts', body);
    const detail = (a.body as { detail?: string } | undefined)?.detail;
    if (a.status !== 201)
      throw new Error(
        `The LCM proxy refused the context of ${app.appName}: HTTP ${a.status}${detail ? `: ${detail}` : ''}`,
      );
    const created = a.body as {
      contextId?: string;
      appInfo?: { referenceURI?: string; userAppInstanceInfo?: { referenceURI?: string }[] };
    };
    const uri =
      this.api === 'mx2'
        ? created.appInfo?.referenceURI
        : created.appInfo?.userAppInstanceInfo?.[0]?.referenceURI;
    if (typeof created.contextId !== 'string' || typeof uri !== 'string' || uri === '')
      throw new Error(`Invalid response from the LCM proxy to the context of ${app.appName}`);
    this.contexts.set(ueAppId, { contextId: created.contextId, endpoint: fromReferenceUri(uri) });
    return ueAppId;
  }

  /** The current end-point of a context ('' if unknown). */
  endpoint(ueAppId: string): string {
    return this.contexts.get(ueAppId)?.endpoint ?? '';
  }

  /** True while the context is held (not deleted by the MEC system nor by {@link close}). */
  has(ueAppId: string): boolean {
    return this.contexts.has(ueAppId);
  }

  /** The number of contexts held. */
  size(): number {
    return this.contexts.size;
  }

  /**
   * Calls `listener` whenever a notification changes a context's end-point, or deletes the context (the
   * end-point is then '').
   */
  onChange(listener: (ueAppId: string, endpoint: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Serves `POST /<ueAppId>` notifications: 204 if applied, 404 for unknown ids, 400 for malformed ones. */
  private onNotification(req: IncomingMessage, res: ServerResponse): void {
    const ueAppId = (req.url ?? '').replace(/^\//, '');
    const context = this.contexts.get(ueAppId);
    const answer = (status: number): void => {
      res.writeHead(status, status === 204 ? {} : { connection: 'close' });
      res.end();
    };
    if (req.method !== 'POST' || context === undefined) {
      answer(404);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_NOTIFICATION_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      let uri: unknown;
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        uri =
          body.notificationType === 'ApplicationContextUpdateNotification'
            ? (body.userAppInstanceInfo as { referenceURI?: unknown }[] | undefined)?.[0]?.referenceURI
            : body.referenceURI;
      } catch {
        uri = undefined;
      }
      if (
        size <= MAX_NOTIFICATION_BYTES &&
        body?.notificationType === 'ApplicationContextDeleteNotification' &&
        body.contextId === context.contextId
      ) {
        this.contexts.delete(ueAppId);
        log.debug(1, `context ${context.contextId}: deleted by the MEC system`);
        answer(204);
        for (const l of this.listeners) l(ueAppId, '');
        return;
      }
      if (size > MAX_NOTIFICATION_BYTES || typeof uri !== 'string' || uri === '') {
        answer(400);
        return;
      }
      context.endpoint = fromReferenceUri(uri);
      log.debug(1, `context ${context.contextId}: new end-point ${context.endpoint}`);
      answer(204);
      for (const l of this.listeners) l(ueAppId, context.endpoint);
    });
  }

  /** Deletes every context at the proxy (failures are logged) and stops the notification server. */
  async close(): Promise<void> {
    const contexts = [...this.contexts.values()];
    this.contexts.clear();
    await Promise.all(
      contexts.map(async (c) => {
        try {
          const a = await this.call('DELETE', `app_contexts/${encodeURIComponent(c.contextId)}`);
          if (a.status !== 204) log.warn(`deleting context ${c.contextId}: HTTP ${a.status}`);
        } catch (err) {
          log.warn(`deleting context ${c.contextId}: ${(err as Error).message}`);
        }
      }),
    );
    const server = this.server;
    if (server !== undefined)
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
  }
}
