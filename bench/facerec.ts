/**
 * Benchmark of the facerec computer (issue 18): the five test photos of data/faces, made 640×480 (centre
 * crop to 4:3, then INTER_AREA, JPEG quality 90, by Debian's OpenCV; as they are, 512×512 to 800×600, if
 * it is missing) and sent round-robin to `facerec0` of an edgecomputerfacerec child process with --num-threads = concurrency,
 * closed loops at concurrency 1 and 2: detections/s and p50/p99 latency seen by the client; cold start
 * (process spawn → listening, and → first detection answered); RSS when ready and its peak (VmHWM). In the
 * same run, the baseline: native OpenCV 4.6 (Debian's python3-opencv, cv2.setNumThreads(1)) running the
 * original's pipeline on the same bytes in one process, per-photo time p50 and detections/s.
 *
 * Run: `npm run bench:facerec` or `node dist/bench/facerec.js [seconds-per-cell]` (default 10). Linux only
 * (/proc); the baseline is skipped if /usr/bin/python3 cannot import cv2.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { CASCADE_DIR } from '../src/platform/facerec/facerec-conf.js';

const SECONDS = Number(process.argv[2] ?? 10);
const FACES = fileURLToPath(new URL('../../data/faces/', import.meta.url));
const PHOTOS = ['astronaut.jpg', 'cameraman.jpg', 'grace_hopper.jpg', 'kpa_bar55.jpg', 'kpa_bar55_2.jpg'];
const COMPUTER = fileURLToPath(new URL('./facerec-computer.js', import.meta.url));

/** A facerec computer child process and what its start cost. */
interface Computer {
  child: ChildProcess;
  endpoint: string;
  listeningMs: number;
}

/** Quantile `q` of sorted numbers. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** A /proc/<pid>/status figure in MB. */
function procMb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
}

/** Starts `edgecomputerfacerec --num-threads <threads>` on a free port; resolves once it listens. */
function startComputer(threads: number): Promise<Computer> {
  const start = performance.now();
  const child = spawn(
    process.execPath,
    [
      COMPUTER,
      '--server-endpoint',
      '127.0.0.1:0',
      '--utilization-endpoint',
      '',
      '--num-threads',
      String(threads),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      const m = /listening on ([^\s,]+)/.exec(log);
      if (m !== null) resolve({ child, endpoint: m[1]!, listeningMs: performance.now() - start });
    });
    child.on('exit', (c) => reject(new Error(`edgecomputerfacerec exited (${String(c)}): ${log}`)));
  });
}

/** Closed loops of `concurrency` clients for `seconds`: latencies in ms. */
async function load(client: GrpcLambdaClient, photos: Buffer[], concurrency: number, seconds: number) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const datain = photos[next++ % photos.length]!;
        const t = performance.now();
        const res = await client.runLambda({ name: 'facerec0', datain });
        if (res.retcode !== 'OK') throw new Error(res.retcode);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

/**
 * The test photos made 640×480 into a temporary folder by Debian's OpenCV (centre crop to 4:3, INTER_AREA,
 * JPEG quality 90), or the originals' folder and why not.
 */
function photosAt640x480(): { dir: string; note: string } {
  const dir = mkdtempSync(join(tmpdir(), 'soe-bench-facerec-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const script = `
import cv2, sys
for p in sys.argv[3:]:
    im = cv2.imread(sys.argv[1] + p, cv2.IMREAD_COLOR)
    h, w = im.shape[:2]
    cw, ch = min(w, h * 4 // 3), min(h, w * 3 // 4)
    x, y = (w - cw) // 2, (h - ch) // 2
    im = cv2.resize(im[y:y + ch, x:x + cw], (640, 480), interpolation=cv2.INTER_AREA)
    cv2.imwrite(sys.argv[2] + p, im, [cv2.IMWRITE_JPEG_QUALITY, 90])
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, FACES, `${dir}/`, ...PHOTOS], { encoding: 'utf8' });
  if (r.status !== 0) return { dir: FACES, note: 'as they are (512×512 to 800×600): no python3-opencv' };
  return { dir: `${dir}/`, note: 'made 640×480' };
}

/** The native baseline: per-photo times (ms) of the original pipeline, 1 OpenCV thread. */
function native(dir: string, seconds: number): number[] | string {
  const script = `
import cv2, numpy as np, sys, time, json
cv2.setNumThreads(1)
c = cv2.CascadeClassifier(sys.argv[1] + 'haarcascade_frontalface_default.xml')
photos = [open(sys.argv[2] + p, 'rb').read() for p in sys.argv[4:]]
out, end, i = [], time.time() + float(sys.argv[3]), 0
while time.time() < end:
    t = time.perf_counter()
    im = cv2.imdecode(np.frombuffer(photos[i % len(photos)], np.uint8), cv2.IMREAD_COLOR)
    g = cv2.equalizeHist(cv2.resize(cv2.cvtColor(im, cv2.COLOR_BGR2GRAY), None, fx=1, fy=1, interpolation=cv2.INTER_LINEAR_EXACT))
    c.detectMultiScale(g, 1.1, 2, cv2.CASCADE_SCALE_IMAGE, (30, 30))
    out.append((time.perf_counter() - t) * 1000); i += 1
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, CASCADE_DIR, dir, String(seconds), ...PHOTOS], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    return `native baseline skipped: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`;
  return (JSON.parse(r.stdout) as number[]).sort((a, b) => a - b);
}

const prepared = photosAt640x480();
const photos = PHOTOS.map((p) => readFileSync(`${prepared.dir}${p}`));
const p50s: number[] = [];
const rows: string[] = [];
const fmt = (x: number): string => x.toFixed(0);
for (const concurrency of [1, 2]) {
  const t0 = performance.now();
  const computer = await startComputer(concurrency);
  const client = new GrpcLambdaClient(computer.endpoint);
  const ready = procMb(computer.child.pid!, 'VmRSS');
  const first = await client.runLambda({ name: 'facerec0', datain: photos[0] });
  const firstMs = performance.now() - t0;
  if (first.retcode !== 'OK') throw new Error(first.retcode);
  await load(client, photos, concurrency, Math.min(2, SECONDS / 4));
  const lat = await load(client, photos, concurrency, SECONDS);
  p50s.push(quantile(lat, 0.5));
  rows.push(
    `| OpenCV.js worker threads, concurrency ${concurrency} | ${(lat.length / SECONDS).toFixed(2)} | ` +
      `${fmt(quantile(lat, 0.5))} | ${fmt(quantile(lat, 0.99))} | ${fmt(computer.listeningMs)} / ` +
      `${fmt(firstMs)} | ${fmt(ready)} / ${fmt(procMb(computer.child.pid!, 'VmHWM'))} |`,
  );
  client.close();
  computer.child.kill('SIGTERM');
}
const base = native(prepared.dir, SECONDS);
if (typeof base === 'string') rows.push(`| ${base} | | | | | |`);
else {
  const rate = base.length / (base.reduce((a, b) => a + b, 0) / 1000);
  rows.push(
    `| native OpenCV 4.6, 1 thread (in-process, no RPC) | ${rate.toFixed(2)} | ${fmt(quantile(base, 0.5))} | ` +
      `${fmt(quantile(base, 0.99))} | | |`,
  );
  rows.push(
    `\nratio, p50 per photo at concurrency 1 (ours over RPC ÷ native in-process): ` +
      `${(p50s[0]! / quantile(base, 0.5)).toFixed(2)}× (target ≤ 1.5×)`,
  );
}
process.stdout.write(
  `facerec0 on the 5 test photos ${prepared.note}, ${SECONDS} s per cell\n\n` +
    '| | detections/s | p50 ms | p99 ms | cold start ms: listening / first answer | RSS MB: ready / peak |\n' +
    '|---|---|---|---|---|---|\n' +
    rows.join('\n') +
    '\n',
);
