import type { LambdaClient } from '../client/lambda-client.js';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { logger } from '../support/logger.js';
import type { AppContextManager } from './app-context-manager.js';

const log = logger('mec');

/** A gRPC client of one end-point with the calls it has in flight, closed once idle and replaced. */
interface Destination {
  client: GrpcLambdaClient;
  inFlight: number;
  retired: boolean;
}

/**
 * A {@link LambdaClient} that finds its edge end-point through the ETSI MEC proxy (spec §9.4): the first
 * call of a lambda looks it up in the app list (the first application of that name), creates a context,
 * and sends to the context's end-point; before every call the current end-point is read again (the
 * proxy's notifications update it) and, if it changed, later calls go to the new one while calls in
 * flight finish on the old. A context the MEC system deleted (ApplicationContextDeleteNotification) is
 * replaced at the next call, which fails if the application is no longer listed.
 */
export class EtsiEdgeClient implements LambdaClient {
  private readonly contextOf = new Map<string, Promise<string>>();
  private readonly destinations = new Map<string, Destination>();

  constructor(
    private readonly manager: AppContextManager,
    private readonly tls?: TlsCredentials,
  ) {}

  /** The device application id of the context of a lambda, created on first use. */
  private context(lambda: string): Promise<string> {
    let ueAppId = this.contextOf.get(lambda);
    if (ueAppId === undefined) {
      ueAppId = (async () => {
        const app = (await this.manager.appList()).find((a) => a.appName === lambda);
        if (app === undefined) throw new Error(`UE application ${lambda} not found in the LCM proxy`);
        return this.manager.createContext(app);
      })();
      this.contextOf.set(lambda, ueAppId);
      ueAppId.catch(() => this.contextOf.delete(lambda));
    }
    return ueAppId;
  }

  /** The destination of a lambda's calls now, retiring the one it replaces. */
  private destination(lambda: string, endpoint: string): Destination {
    const current = this.destinations.get(lambda);
    if (current !== undefined && current.client.endpoint === endpoint) return current;
    if (current !== undefined) {
      log.info(`lambda ${lambda}: end-point changed from ${current.client.endpoint} to ${endpoint}`);
      current.retired = true;
      if (current.inFlight === 0) current.client.close();
    }
    const next: Destination = {
      client: new GrpcLambdaClient(endpoint, { tls: this.tls }),
      inFlight: 0,
      retired: false,
    };
    this.destinations.set(lambda, next);
    return next;
  }

  async runLambda(request: Partial<LambdaRequest>, dry = false): Promise<LambdaResponse> {
    const lambda = request.name ?? '';
    const held = this.context(lambda);
    let ueAppId = await held;
    if (!this.manager.has(ueAppId)) {
      // The MEC system deleted the context (its application left): ask for a new one.
      if (this.contextOf.get(lambda) === held) this.contextOf.delete(lambda);
      ueAppId = await this.context(lambda);
    }
    const endpoint = this.manager.endpoint(ueAppId);
    if (endpoint === '')
      throw new Error(`No edge end-point for ${lambda}: the LCM proxy dropped its context`);
    const destination = this.destination(lambda, endpoint);
    destination.inFlight++;
    try {
      return await destination.client.runLambda(request, dry);
    } finally {
      destination.inFlight--;
      if (destination.retired && destination.inFlight === 0) destination.client.close();
    }
  }

  /** The end-point the calls of a lambda go to now ('' before the first call). */
  endpointOf(lambda: string): string {
    return this.destinations.get(lambda)?.client.endpoint ?? '';
  }

  /** Closes the connections (the contexts are the manager's: close it too). */
  close(): void {
    for (const d of this.destinations.values()) d.client.close();
    this.destinations.clear();
  }
}
