import type { LambdaCall } from '../../protocol/lambda-transport.js';
import type { ContainerInfo, LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import {
  computerTypes,
  type ComputerTypeOptions,
  type RunningComputer,
  type UtilizationListener,
} from '../computer-type.js';
import { loadFunctionFolder } from './function-folder.js';
import { DEFAULT_JS_CONF, parseJsConf } from './js-conf.js';
import { JsComputer } from './js-computer.js';
import { startManagementServer, type ManagementServer } from './management-server.js';

/** A js computer with its management API server, if it has one. */
export class JsComputerService implements RunningComputer {
  constructor(
    readonly js: JsComputer,
    readonly management: ManagementServer | undefined,
  ) {}

  get name(): string {
    return this.js.name;
  }

  get managementEndpoint(): string {
    return this.management?.endpoint ?? '';
  }

  process(request: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse> {
    return this.js.process(request, call);
  }

  containers(): ContainerInfo[] {
    return this.js.containers();
  }

  onUtilization(listener: UtilizationListener): () => void {
    return this.js.onUtilization(listener);
  }

  onContainersChanged(listener: () => void): () => void {
    return this.js.onContainersChanged(listener);
  }

  describe(): string[] {
    const api = this.management === undefined ? 'disabled' : `http://${this.management.endpoint}/functions`;
    return [...this.js.describe(), `management API: ${api}`];
  }

  async stop(): Promise<void> {
    await this.management?.stop();
    await this.js.stop();
  }
}

/**
 * Starts a js computer from its settings: `functions` (a folder of NAME.js, '' for none), `js-conf`
 * (default {@link DEFAULT_JS_CONF}) and `management-endpoint` ('' for no management API).
 */
export async function startJsComputer(options: ComputerTypeOptions): Promise<JsComputerService> {
  const conf = parseJsConf(options.settings['js-conf'] ?? DEFAULT_JS_CONF);
  const dir = options.settings.functions ?? '';
  const functions = dir === '' ? [] : loadFunctionFolder(dir, conf);
  const js = new JsComputer(options.name, conf, functions, options.samplePeriod ?? 1);
  const endpoint = options.settings['management-endpoint'] ?? '';
  try {
    const management = endpoint === '' ? undefined : await startManagementServer(js, endpoint);
    return new JsComputerService(js, management);
  } catch (err) {
    await js.stop();
    throw err;
  }
}

/** Registers the `js` computer type. */
export function setup(): void {
  computerTypes.register('js', { start: startJsComputer });
}
