import { GrpcLambdaClient } from './lambda-client-grpc.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { Semaphore } from '../support/semaphore.js';

/** How long a new destination may take to connect before its first request is sent anyway, ms. */
const CONNECT_TIMEOUT_MS = 1000;

/** A forwarded request's outcome: the response and the seconds from asking for a client to the response. */
export interface PoolResult {
  response: LambdaResponse;
  seconds: number;
}

/**
 * Clients towards a broker's destinations (the original's EdgeClientPool): one long-lived gRPC channel
 * per destination, at most `maxPending` requests in flight per destination (0 = unlimited), the others
 * waiting in arrival order. The time reported includes the wait for a free slot.
 */
export class ClientPool {
  private readonly destinations = new Map<
    string,
    { client: GrpcLambdaClient; slots: Semaphore; connecting: Promise<void> }
  >();

  constructor(readonly maxPending: number) {}

  /** Sends a request to a destination; rejects on a transport failure. */
  async send(destination: string, request: Partial<LambdaRequest>): Promise<PoolResult> {
    let d = this.destinations.get(destination);
    if (d === undefined) {
      const client = new GrpcLambdaClient(destination);
      // Connect before timing the first request: its time must not include the connection set-up, or a
      // broker learning from it would take a fast new destination for a slow one. A failure to connect
      // surfaces as the call's own error below.
      const connecting = client.ready(CONNECT_TIMEOUT_MS).catch(() => undefined);
      d = { client, slots: new Semaphore(this.maxPending), connecting };
      this.destinations.set(destination, d);
    }
    await d.connecting;
    const { client, slots } = d;
    const start = performance.now();
    const response = await slots.with(() => client.runLambda(request, request.dry ?? false));
    return { response, seconds: (performance.now() - start) / 1000 };
  }

  /** Drops the channel to a destination (e.g. after it failed). */
  forget(destination: string): void {
    this.destinations.get(destination)?.client.close();
    this.destinations.delete(destination);
  }

  /** Closes every channel. */
  close(): void {
    for (const d of this.destinations.values()) d.client.close();
    this.destinations.clear();
  }
}
