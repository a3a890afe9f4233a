import type { ContainerInfo, LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { compose } from './composer.js';
import { Computer } from './computer.js';
import {
  computerTypes,
  type ComputerTypeOptions,
  type RunningComputer,
  type UtilizationListener,
} from './computer-type.js';
import { EdgeComputer } from './edge-computer.js';

/** The default `--conf` of a simulated computer. */
export const DEFAULT_SIM_CONF =
  'type=raspberry,num-cpu-containers=1,num-cpu-workers=4,num-gpu-containers=1,num-gpu-workers=2';

/** A simulated computer (spec §5) as a {@link RunningComputer}; `model` is the processor-sharing model. */
export class SimComputer implements RunningComputer {
  readonly model: Computer;
  private readonly edge: EdgeComputer;

  /** Builds the model from a composer `--conf`; `samplePeriod` seconds between utilization samples. */
  constructor(name: string, conf: string, samplePeriod = 1) {
    this.model = new Computer(name, samplePeriod);
    try {
      compose(this.model, conf);
    } catch (err) {
      this.model.close();
      throw err;
    }
    this.edge = new EdgeComputer(this.model);
  }

  get name(): string {
    return this.model.name;
  }

  process(request: LambdaRequest): Promise<LambdaResponse> {
    return this.edge.process(request);
  }

  containers(): ContainerInfo[] {
    return this.model.containerList().map((c) => ({
      name: c.name,
      processor: c.processor.name,
      lambda: c.lambda.name,
      numWorkers: c.numWorkers,
    }));
  }

  onUtilization(listener: UtilizationListener): () => void {
    const send = (values: Record<string, number>): void => listener(values);
    this.model.on('utilization', send);
    return () => {
      this.model.off('utilization', send);
    };
  }

  onContainersChanged(): () => void {
    return () => undefined;
  }

  describe(): string[] {
    return this.model
      .containerList()
      .map(
        (c) =>
          `container ${c.name}: lambda ${c.lambda.name} on processor ${c.processor.name}, ${c.numWorkers} workers`,
      );
  }

  stop(): Promise<void> {
    this.model.close();
    return Promise.resolve();
  }
}

/** Starts a simulated computer from the `conf` setting (default {@link DEFAULT_SIM_CONF}). */
function start(options: ComputerTypeOptions): Promise<RunningComputer> {
  return Promise.resolve(
    new SimComputer(options.name, options.settings.conf ?? DEFAULT_SIM_CONF, options.samplePeriod),
  );
}

/** Registers the `sim` computer type. */
export function setup(): void {
  computerTypes.register('sim', { start });
}
