import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { Random } from '../support/random.js';
import { errorResponse } from '../protocol/responses.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { GrpcLambdaClient } from './lambda-client-grpc.js';
import type { LambdaClient } from './lambda-client.js';

/** Retcode when every destination failed and the last failure was a transport error. */
export const NONE_RESPONDED = 'none of the destinations responded correctly';

/**
 * A {@link LambdaClient} over several endpoints (the original's EdgeClientMulti): each call goes to the
 * primary endpoint and, with probability `persistence` each, to every other one, concurrently; the first
 * OK answer wins (its `responder` is set to the endpoint that gave it) and that endpoint becomes the
 * primary. If none answers OK, the last failing answer is returned, or {@link NONE_RESPONDED} if the last
 * failure was a transport error. A call starts only after the previous call's stragglers have answered.
 * Transport errors never reject. With `tls`, every channel is over TLS.
 */
export class MultiLambdaClient implements LambdaClient {
  private readonly endpoints: string[];
  private readonly clients: Map<string, GrpcLambdaClient>;
  private primary: string;
  private stragglers: Promise<unknown> = Promise.resolve();

  constructor(
    endpoints: readonly string[],
    readonly persistence: number,
    private readonly random: Random = new Random(0),
    tls?: TlsCredentials,
  ) {
    if (endpoints.length === 0)
      throw new Error('Cannot create an edge client with an empty set of destinations');
    if (!(persistence >= 0 && persistence <= 1)) {
      throw new Error(`Invalid configuration: persistence probability (${persistence}) cannot be < 0 or > 1`);
    }
    this.endpoints = [...new Set(endpoints)].sort();
    this.clients = new Map(this.endpoints.map((e) => [e, new GrpcLambdaClient(e, { tls })]));
    this.primary = this.endpoints[0]!;
  }

  /** The endpoint tried first on the next call. */
  get primaryEndpoint(): string {
    return this.primary;
  }

  async runLambda(request: Partial<LambdaRequest>, dry = false): Promise<LambdaResponse> {
    await this.stragglers;
    const targets = this.endpoints.filter(
      (e) => e === this.primary || this.random.uniform() < this.persistence,
    );
    let pending = targets.length;
    let last: LambdaResponse | undefined;
    let settled = false;
    return new Promise((resolve) => {
      const calls = targets.map((endpoint) =>
        this.clients
          .get(endpoint)!
          .runLambda(request, dry)
          .then(
            (res) => {
              if (res.retcode === 'OK' && !settled) {
                settled = true;
                this.primary = endpoint;
                resolve({ ...res, responder: endpoint });
              }
              last = res;
            },
            () => {
              last = undefined;
            },
          )
          .finally(() => {
            if (--pending === 0 && !settled) resolve(last ?? errorResponse(NONE_RESPONDED, 0));
          }),
      );
      this.stragglers = Promise.all(calls);
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }
}
