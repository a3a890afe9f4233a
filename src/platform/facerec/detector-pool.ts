import { Worker } from 'node:worker_threads';
import type { Detection } from './haar-detector.js';
import { openCvParts, type OpenCvParts } from './opencv-loader.js';

/** What a detector worker is started with. */
export interface DetectorWorkerData {
  /** [lambda, cascade file] pairs. */
  models: [string, string][];
  maxPixels: number;
  /** OpenCV.js's glue and compiled WebAssembly, split and compiled once by the pool. */
  openCv: OpenCvParts;
}

/** One detection asked of a worker. */
export interface DetectorJob {
  id: number;
  lambda: string;
  jpeg: Uint8Array;
  scale: number;
}

/** What a worker posts back. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; detection: Detection };

/** A queued or running job and who waits for it. */
interface Pending {
  job: DetectorJob;
  resolve(d: Detection): void;
}

/** One worker thread and the job it runs, if any. */
interface Slot {
  worker: Worker;
  running: Pending | undefined;
}

const WORKER = new URL('./detector-worker.js', import.meta.url);

/** Settings of a {@link DetectorPool}. */
export interface DetectorPoolOptions extends Omit<DetectorWorkerData, 'openCv'> {
  /** Worker threads (each runs one detection at a time). */
  workers: number;
  /** Jobs waiting for a worker beyond which new ones are refused at once. */
  maxQueued: number;
}

/**
 * Haar detection off the main thread: `workers` worker threads, each with its own OpenCV.js instance and
 * cascades (the WebAssembly compiled once, here, and its code shared), take jobs in arrival order; at most `maxQueued` wait. A worker that dies is replaced and its
 * job answered with an error, so the pool keeps serving.
 */
export class DetectorPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(private readonly options: DetectorPoolOptions) {}

  /** Starts the workers and waits until every one has loaded OpenCV.js and the cascades. */
  static async start(options: DetectorPoolOptions): Promise<DetectorPool> {
    const pool = new DetectorPool(options);
    try {
      await Promise.all(Array.from({ length: options.workers }, () => pool.spawn()));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Jobs running and waiting. */
  get busy(): number {
    return this.slots.filter((s) => s.running !== undefined).length;
  }

  /** Jobs waiting for a worker. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Detects the objects of model `lambda` in a JPEG; never rejects. */
  detect(lambda: string, jpeg: Uint8Array, scale: number): Promise<Detection> {
    if (this.closed) return Promise.resolve({ error: 'The face detector is stopping' });
    if (this.queue.length >= this.options.maxQueued && this.slots.every((s) => s.running)) {
      return Promise.resolve({
        error: `Too many requests waiting for a face detector (${this.queue.length}, at most ${this.options.maxQueued})`,
      });
    }
    return new Promise((resolve) => {
      const own = new Uint8Array(jpeg);
      this.queue.push({ job: { id: this.nextId++, lambda, jpeg: own, scale }, resolve });
      this.dispatch();
    });
  }

  /** Stops the workers; jobs waiting or running are answered with an error. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve({ error: 'The face detector is stopping' });
    const slots = this.slots.splice(0);
    for (const s of slots) s.running?.resolve({ error: 'The face detector is stopping' });
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Promise<void> {
    const data: DetectorWorkerData = {
      models: this.options.models,
      maxPixels: this.options.maxPixels,
      openCv: openCvParts(),
    };
    const worker = new Worker(WORKER, { workerData: data });
    const slot: Slot = { worker, running: undefined };
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          ready = true;
          this.slots.push(slot);
          resolve();
          this.dispatch();
        } else if (m.type === 'failed') {
          reject(new Error(m.message));
          void worker.terminate();
        } else if (slot.running?.job.id === m.id) {
          const done = slot.running;
          slot.running = undefined;
          done.resolve(m.detection);
          this.dispatch();
        }
      });
      worker.on('error', (err) => {
        if (!ready) reject(err);
        this.lost(slot, err.message);
      });
      worker.on('exit', (code) => {
        if (!ready) reject(new Error(`face detector worker exited with code ${code}`));
        this.lost(slot, `exited with code ${code}`);
      });
    });
  }

  /** Forgets a dead worker, fails its job and starts another. */
  private lost(slot: Slot, why: string): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    slot.running?.resolve({ error: `The face detector failed: ${why}` });
    slot.running = undefined;
    if (!this.closed) this.spawn().catch(() => undefined);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.running !== undefined) continue;
      const next = this.queue.shift();
      if (next === undefined) return;
      slot.running = next;
      slot.worker.postMessage(next.job, [next.job.jpeg.buffer as ArrayBuffer]);
    }
  }
}
