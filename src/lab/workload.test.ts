import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { arrivalRate, parseExperiment, type Experiment } from './experiment.js';
import { generateArrivals } from './workload.js';

function experiment(workload: string, folder = '.'): Experiment {
  return parseExperiment(
    `
name: w
seed: 7
lambda: { op-coeff: 1.0e+6 }
computers: [{ count: 4, speed: 1.0e+9 }]
workload:
  sizes: { min: 10, max: 30 }
  loads: [0.25, 0.5]
  duration: 2000
${workload}
policies: [{ name: r, router: { table-conf: type=random } }]
`,
    'w.yaml',
    folder,
  );
}

function meanRate(e: Experiment, li: number): number {
  return generateArrivals(e, li).length / e.workload.duration;
}

for (const kind of ['poisson', 'uniform', 'on-off']) {
  test(`${kind} arrivals: seeded, the offered load's mean rate, sizes within bounds`, () => {
    const e = experiment(
      `  arrivals: ${kind}\n  on: 0.5\n  off: 1.5`.replace(kind === 'on-off' ? '' : /\n.*/gs, ''),
    );
    const a = generateArrivals(e, 1);
    assert.deepEqual(generateArrivals(e, 1), a, 'same seed, same arrivals');
    assert.notDeepEqual(generateArrivals(e, 0).slice(0, 5), a.slice(0, 5));
    const rate = arrivalRate(e, 0.5);
    assert.equal(rate, 100);
    assert.ok(Math.abs(meanRate(e, 1) / rate - 1) < 0.03, `rate ${meanRate(e, 1)}`);
    assert.ok(
      a.every(
        (x, i) => x.size >= 10 && x.size <= 30 && x.time < 2000 && (i === 0 || x.time >= a[i - 1]!.time),
      ),
    );
    assert.ok(a.some((x) => x.size === 10) && a.some((x) => x.size === 30));
  });
}

test('on-off arrivals are burstier than Poisson: more variance of the counts per second', () => {
  const counts = (e: Experiment): number[] => {
    const c = new Array<number>(2000).fill(0);
    for (const a of generateArrivals(e, 1)) c[Math.floor(a.time)]!++;
    return c;
  };
  const variance = (xs: number[]): number => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
  };
  const poisson = variance(counts(experiment('  arrivals: poisson')));
  const onOff = variance(counts(experiment('  arrivals: on-off\n  on: 0.5\n  off: 1.5')));
  assert.ok(onOff > 3 * poisson, `${onOff} vs ${poisson}`);
});

test('a trace is time-scaled to the offered load and repeated; its sizes are kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-lab-trace-'));
  writeFileSync(join(dir, 't.trace'), '10 clambda0 x:1 100\n11 clambda0 x:1 200\n13 clambda0 x:1 300\n');
  const e = experiment('  arrivals: trace\n  trace: t.trace', dir);
  const a = generateArrivals(e, 0);
  // 3 events over a cycle of 3 · (3 / 2) = 4.5 trace seconds; rate 50/s: scale 3 / 50 / 4.5.
  const scale = 3 / 50 / 4.5;
  assert.deepEqual(
    a.slice(0, 4).map((x) => [Number(x.time.toFixed(9)), x.size]),
    [
      [0, 100],
      [Number(scale.toFixed(9)), 200],
      [Number((3 * scale).toFixed(9)), 300],
      [Number((4.5 * scale).toFixed(9)), 100],
    ],
  );
  assert.ok(Math.abs(a.length / 2000 / 50 - 1) < 0.001);
});
