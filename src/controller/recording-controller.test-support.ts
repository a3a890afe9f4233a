import type { ComputerInfo } from '../protocol/messages.js';
import { RpcServer, service } from '../protocol/rpc-server.js';

/** A real EdgeController gRPC server for tests, recording what computers announce and remove. */
export interface RecordingController {
  server: RpcServer;
  announced: ComputerInfo[];
  removed: ComputerInfo[];
  /** Resolves once a RemoveComputer for `endpoint` has been recorded (at once if one already was). */
  removal(endpoint: string): Promise<ComputerInfo>;
}

/**
 * Starts a recording EdgeController on `endpoint` (default a free loopback port); `onAnnounce` runs before
 * an announcement is recorded and answered (to check what the announcing computer does meanwhile).
 */
export async function startRecordingController(
  onAnnounce?: (info: ComputerInfo) => Promise<void>,
  endpoint = '127.0.0.1:0',
): Promise<RecordingController> {
  const announced: ComputerInfo[] = [];
  const removed: ComputerInfo[] = [];
  const waiting: { endpoint: string; resolve: (info: ComputerInfo) => void }[] = [];
  const server = await RpcServer.start(endpoint, [
    service('uiiit.rpc.EdgeController', {
      AnnounceComputer: async (info) => {
        await onAnnounce?.(info);
        announced.push(info);
        return {};
      },
      AnnounceRouter: () => ({}),
      RemoveComputer: (info) => {
        removed.push(info);
        for (const w of waiting.filter((x) => x.endpoint === info.edgeServerEndpoint)) w.resolve(info);
        return {};
      },
    }),
  ]);
  const removal = (endpoint: string): Promise<ComputerInfo> => {
    const done = removed.find((r) => r.edgeServerEndpoint === endpoint);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve) => waiting.push({ endpoint, resolve }));
  };
  return { server, announced, removed, removal };
}
