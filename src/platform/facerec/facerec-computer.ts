import { cpus, hostname } from 'node:os';
import type { ContainerInfo, LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { Listeners } from '../../support/listeners.js';
import { logger } from '../../support/logger.js';
import { realScheduler, type Cancel } from '../../support/scheduler.js';
import type { RunningComputer, UtilizationListener } from '../computer-type.js';
import { CpuMeter } from '../js/cpu-meter.js';
import { requestRejection } from '../request-rejection.js';
import { DetectorPool } from './detector-pool.js';
import type { FacerecConf } from './facerec-conf.js';
import { objectsJson } from './objects-json.js';

const log = logger('computer');

/** The CPU's model name, as the original's System::cpuName (lscpu's "Model name"), or `unknown`. */
export function cpuName(): string {
  return cpus()[0]?.model.trim() || 'unknown';
}

/**
 * The face and eye detection computer (spec §1.13, the original's edgecomputerfacerec): each model lambda
 * takes a JPEG in `datain` and answers `{"objects":[{"h":…,"w":…,"x":…,"y":…}]}` (see HaarDetector), the
 * dummy lambda answers OK at once, others `Unsupported lambda: <n> (supported lambdas: <list>)`. Detection
 * runs on a pool of `threads` worker threads; `ptime` is the processing time in ms; the loads are the
 * process CPU (all threads) in cores, taken before processing and normalised as the original:
 * `min(100, round(100·load/threads))`. The utilization stream carries `<cpu>-usr` and `<cpu>-sys`, the
 * process CPU as a fraction of all cores. Dry runs answer OK, the loads and the last ptime of that lambda.
 */
export class FacerecComputer implements RunningComputer {
  private readonly meter = new CpuMeter(() => []);
  private readonly cores = cpus().length || 1;
  private readonly listeners = new Listeners<Parameters<UtilizationListener>>();
  private readonly stopSampling: Cancel;
  private readonly lastPtime = new Map<string, number>();
  private readonly cpu = cpuName();
  private stopped = false;

  constructor(
    readonly name: string,
    readonly conf: FacerecConf,
    private readonly pool: DetectorPool,
    samplePeriod = 1,
  ) {
    this.stopSampling =
      samplePeriod > 0
        ? realScheduler.every(samplePeriod, () => this.sample(), { keepAlive: false })
        : () => undefined;
  }

  /** Serves one request; never throws. */
  async process(req: LambdaRequest): Promise<LambdaResponse> {
    const start = performance.now();
    const hops = req.hops + 1;
    const why = requestRejection(req);
    if (why !== undefined) return errorResponse(why, hops);
    if (req.name === this.conf.dummyLambda) return errorResponse('OK', hops);
    if (!this.conf.models.has(req.name)) {
      const list = [...this.conf.models.keys()].join(',');
      return errorResponse(`Unsupported lambda: ${req.name} (supported lambdas: ${list})`, hops);
    }
    const res = errorResponse('OK', hops);
    this.setLoads(res);
    if (req.dry) {
      res.ptime = this.lastPtime.get(req.name) ?? 0;
      return res;
    }
    const detection = await this.pool.detect(req.name, req.datain, this.conf.scale);
    const ptime = Math.round(performance.now() - start);
    if ('error' in detection) {
      res.retcode = detection.error;
    } else {
      res.output = objectsJson(detection.rects);
      res.ptime = ptime;
      this.lastPtime.set(req.name, ptime);
    }
    log.debug(2, () => `${req.name} (${req.datain.length} B) -> ${res.retcode}, ${ptime} ms`);
    return res;
  }

  /** One container per model `{<host>_<lambda>, unknown_cpu, lambda, threads}` and the dummy's, sorted. */
  containers(): ContainerInfo[] {
    const host = hostname();
    const list: ContainerInfo[] = [...this.conf.models.keys()].map((lambda) => ({
      name: `${host}_${lambda}`,
      processor: 'unknown_cpu',
      lambda,
      numWorkers: this.conf.threads,
    }));
    const dummy = this.conf.dummyLambda;
    list.push({ name: dummy, processor: this.cpu, lambda: dummy, numWorkers: 1 });
    return list.sort((a, b) => (a.lambda < b.lambda ? -1 : a.lambda > b.lambda ? 1 : 0));
  }

  onUtilization(listener: UtilizationListener): () => void {
    return this.listeners.add(listener);
  }

  onContainersChanged(): () => void {
    return () => undefined;
  }

  describe(): string[] {
    const c = this.conf;
    const lines = [...c.models].map(([lambda, file]) => `lambda ${lambda}: Haar cascade ${file}`);
    lines.push(
      `dummy lambda ${c.dummyLambda}; scale ${c.scale}; ${c.threads} detector threads, up to ${c.maxQueued} ` +
        `requests waiting, images up to ${c.maxPixels} pixels`,
    );
    return lines;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSampling();
    this.listeners.clear();
    await this.pool.close();
  }

  private setLoads(res: LambdaResponse): void {
    const { load1, load10, load30 } = this.meter.loads();
    const norm = (load: number): number =>
      Math.min(100, Math.round((100 * load * this.cores) / this.conf.threads));
    res.load1 = norm(load1);
    res.load10 = norm(load10);
    res.load30 = norm(load30);
  }

  private sample(): void {
    if (this.stopped) return;
    const { usr, sys } = this.meter.sample();
    const values = { [`${this.cpu}-usr`]: usr, [`${this.cpu}-sys`]: sys };
    this.listeners.emit(values);
  }
}
