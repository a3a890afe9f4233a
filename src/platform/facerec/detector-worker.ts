import { parentPort, workerData } from 'node:worker_threads';
import { HaarDetector } from './haar-detector.js';
import { instantiateOpenCv } from './opencv-loader.js';
import type { DetectorJob, DetectorWorkerData, WorkerMessage } from './detector-pool.js';

/** A detector pool's worker thread: loads OpenCV.js and the cascades, then detects one job at a time. */
async function main(): Promise<void> {
  const port = parentPort!;
  const data = workerData as DetectorWorkerData;
  const post = (m: WorkerMessage): void => port.postMessage(m);
  let detector: HaarDetector;
  try {
    const { cv } = await instantiateOpenCv(data.openCv);
    detector = new HaarDetector(cv, new Map(data.models), data.maxPixels);
  } catch (err) {
    post({ type: 'failed', message: (err as Error).message });
    return;
  }
  port.on('message', (job: DetectorJob) => {
    try {
      post({ type: 'done', id: job.id, detection: detector.detect(job.lambda, job.jpeg, job.scale) });
    } catch (err) {
      post({ type: 'done', id: job.id, detection: { error: String((err as Error).message ?? err) } });
    }
  });
  post({ type: 'ready' });
}

void main();
