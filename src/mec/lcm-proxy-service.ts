import { RpcServer } from '../protocol/rpc-server.js';
import { httpNotifier } from './http-notifier.js';
import { LcmProxyHttpServer, type LcmProxyHttpLimits } from './lcm-proxy-http-server.js';
import { lcmProxyService } from './lcm-proxy-rpc.js';
import { UeAppLcmProxy, type UeAppLcmProxyOptions } from './ue-app-lcm-proxy.js';

/** How to run a {@link LcmProxyService}. */
export interface LcmProxyServiceOptions extends LcmProxyHttpLimits, Omit<UeAppLcmProxyOptions, 'notifier'> {
  /** REST API root, e.g. `http://127.0.0.1:6500` (port 0: any free port). */
  apiRoot: string;
  /** End-point of the north-bound gRPC interface; undefined: none (the etsi-file controller's proxy). */
  grpcEndpoint?: string;
  /** Time a device has to answer a notification, in ms (default 5 s). */
  callbackTimeoutMs?: number;
}

/** A running UE application LCM proxy: its state, REST server and (optionally) gRPC interface. */
export class LcmProxyService {
  private constructor(
    readonly proxy: UeAppLcmProxy,
    readonly http: LcmProxyHttpServer,
    readonly rpc: RpcServer | undefined,
  ) {}

  /** Starts the servers; fails if one cannot bind (the other is then stopped). */
  static async start(options: LcmProxyServiceOptions): Promise<LcmProxyService> {
    const proxy = new UeAppLcmProxy({
      ...options,
      notifier: httpNotifier(options.callbackTimeoutMs ?? 5_000),
    });
    const http = await LcmProxyHttpServer.start(proxy, options.apiRoot, options);
    let rpc: RpcServer | undefined;
    try {
      if (options.grpcEndpoint !== undefined)
        rpc = await RpcServer.start(options.grpcEndpoint, [lcmProxyService(proxy)]);
    } catch (err) {
      await http.stop();
      throw err;
    }
    return new LcmProxyService(proxy, http, rpc);
  }

  /** Stops both servers. */
  async stop(): Promise<void> {
    await Promise.all([this.http.stop(), this.rpc?.stop()]);
  }
}
