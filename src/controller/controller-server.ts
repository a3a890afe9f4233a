import * as grpc from '@grpc/grpc-js';
import { endpointProblem } from '../protocol/endpoint-rules.js';
import type { ComputerInfo, ComputerList, ContainerInfo, RouterInfo } from '../protocol/messages.js';
import { labelProblem, lambdaNameProblem } from '../protocol/name-rules.js';
import { StatusError } from '../protocol/rpc-error.js';
import { RpcServer, service } from '../protocol/rpc-server.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { logger } from '../support/logger.js';
import { TaskQueue } from './task-queue.js';

const log = logger('controller');

/** What the server applies each announce or removal to (an {@link EdgeController}, an ETSI logic, ...). */
export interface ControllerHandler {
  /** A computer announced itself with its containers (and a js computer its management API, else ''). */
  announceComputer(
    endpoint: string,
    containers: readonly ContainerInfo[],
    managementEndpoint?: string,
  ): Promise<void>;
  /** A router announced its lambda and forwarding-table end-points. */
  announceRouter(lambdaEndpoint: string, forwardingEndpoint: string): Promise<void>;
  /** A computer is gone. */
  removeComputer(endpoint: string): Promise<void>;
}

/** Rejects a malformed request with INVALID_ARGUMENT naming the field. */
function invalid(method: string, field: string, problem: string): StatusError {
  return new StatusError(grpc.status.INVALID_ARGUMENT, `invalid ${method} request: ${field} ${problem}`);
}

/** The most containers a computer may announce. */
export const MAX_CONTAINERS = 1000;

/** Checks that a field holds the `host:port` of a peer (see {@link endpointProblem}). */
function checkEndpoint(method: string, field: string, value: string): void {
  const problem = endpointProblem(value);
  if (problem !== undefined) throw invalid(method, field, problem);
}

/** Checks a computer's end-point and, when announced, its containers (names, lambdas, how many). */
function checkComputer(method: string, info: ComputerInfo, withContainers: boolean): void {
  checkEndpoint(method, 'edgeServerEndpoint', info.edgeServerEndpoint);
  if (!withContainers) return;
  if (info.managementEndpoint !== '') checkEndpoint(method, 'managementEndpoint', info.managementEndpoint);
  if (info.containers.length > MAX_CONTAINERS) {
    throw invalid(method, 'containers', `has ${info.containers.length} entries, at most ${MAX_CONTAINERS}`);
  }
  info.containers.forEach((c, i) => {
    const problems: [string, string | undefined][] = [
      ['lambda', lambdaNameProblem(c.lambda)],
      ['name', labelProblem(c.name)],
      ['processor', labelProblem(c.processor)],
    ];
    for (const [field, problem] of problems) {
      if (problem !== undefined) throw invalid(method, `containers[${i}].${field}`, problem);
    }
  });
}

function checkRouter(info: RouterInfo): void {
  checkEndpoint('AnnounceRouter', 'edgeServerEndpoint', info.edgeServerEndpoint);
  checkEndpoint('AnnounceRouter', 'forwardingTableEndpoint', info.forwardingTableEndpoint);
}

/**
 * The `uiiit.rpc.EdgeController` gRPC service (spec §1.5, §6.1): each AnnounceComputer, AnnounceRouter
 * and RemoveComputer is applied to every handler in turn and answered (with Void) once done. Calls are
 * processed one at a time in arrival order. A handler's failure is logged and does not fail the call;
 * a malformed request is refused with INVALID_ARGUMENT naming the field, and changes nothing: end-points
 * must be `host:port` of a peer (an IPv4 or bracketed IPv6 address or a host name, port 1..65535),
 * lambdas 1 to 256 characters without control characters or blanks, container and processor names at
 * most 256 characters without control characters, at most {@link MAX_CONTAINERS} containers.
 * With a `view`, it also serves the read-only `soe.rpc.ControllerView` (ListComputers).
 */
export class ControllerServer {
  private constructor(
    private readonly server: RpcServer,
    private readonly queue: TaskQueue,
  ) {}

  /** The end-point the server listens on (with the real port when started on port 0). */
  get endpoint(): string {
    return this.server.endpoint;
  }

  /**
   * Starts serving on `endpoint` (`host:port`; port 0: any free port), over TLS when given `tls`; `view`
   * answers ListComputers (not served without it).
   */
  static async start(
    endpoint: string,
    handlers: readonly ControllerHandler[],
    tls?: TlsCredentials,
    view?: () => ComputerList,
  ): Promise<ControllerServer> {
    const queue = new TaskQueue();
    const apply = (
      what: string,
      call: (h: ControllerHandler) => Promise<void>,
    ): Promise<Record<string, never>> =>
      queue.run(async () => {
        for (const handler of handlers) {
          try {
            await call(handler);
          } catch (err) {
            log.warn(`error when applying ${what}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        return {};
      });
    const server = await RpcServer.start(
      endpoint,
      [
        service('uiiit.rpc.EdgeController', {
          AnnounceComputer: (info) => {
            checkComputer('AnnounceComputer', info, true);
            return apply('AnnounceComputer', (h) =>
              h.announceComputer(info.edgeServerEndpoint, info.containers, info.managementEndpoint),
            );
          },
          AnnounceRouter: (info) => {
            checkRouter(info);
            return apply('AnnounceRouter', (h) =>
              h.announceRouter(info.edgeServerEndpoint, info.forwardingTableEndpoint),
            );
          },
          RemoveComputer: (info) => {
            checkComputer('RemoveComputer', info, false);
            return apply('RemoveComputer', (h) => h.removeComputer(info.edgeServerEndpoint));
          },
        }),
        ...(view === undefined
          ? []
          : [service('soe.rpc.ControllerView', { ListComputers: () => queue.run(async () => view()) })]),
      ],
      { tls },
    );
    return new ControllerServer(server, queue);
  }

  /** Resolves once every call received so far has been processed. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stops accepting calls and waits for those in progress. */
  async stop(): Promise<void> {
    await this.server.stop();
    await this.queue.idle();
  }
}
