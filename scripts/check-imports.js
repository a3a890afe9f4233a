#!/usr/bin/env node
// The import graph of src/ (madge): no cycle, and no import that runs against the layers
//   support ← protocol, timeseries, telemetry ← platform, client, covid ← broker, openwhisk ← controller, mec ← deploy ← lab ← cli
// A folder imports only folders of a lower rank (or itself). Tests (`*.test.ts`) and their helpers
// (`*.test-support.ts`, test/) may import any layer; production code imports no test code.
import madge from 'madge';
import { fileURLToPath } from 'node:url';

/** Rank of each top folder of src/: imports go to a strictly lower rank, or stay in the folder. */
export const RANKS = {
  support: 0,
  protocol: 1,
  timeseries: 1,
  telemetry: 1,
  platform: 2,
  client: 2,
  covid: 2,
  broker: 3,
  openwhisk: 3,
  controller: 4,
  mec: 4,
  deploy: 5,
  lab: 6,
  cli: 7,
};

const isTestCode = (file) => /\.test(-support)?\.ts$/.test(file) || file.startsWith('../');
const folder = (file) => file.split('/')[0];

/** The problems of a dependency graph `{file: [imported files]}` (paths relative to src/). */
export function layerViolations(graph) {
  const problems = [];
  for (const [file, imports] of Object.entries(graph)) {
    if (isTestCode(file)) continue;
    const from = folder(file);
    if (!(from in RANKS) && file.includes('/')) problems.push(`${file}: folder '${from}' has no layer`);
    for (const target of imports) {
      if (isTestCode(target)) {
        problems.push(`${file} -> ${target}: production code imports test code`);
        continue;
      }
      const to = folder(target);
      if (to === from || !file.includes('/')) continue;
      if (!(RANKS[to] < RANKS[from])) problems.push(`${file} -> ${target}: ${from} may not import ${to}`);
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../src/', import.meta.url));
  const result = await madge(root, {
    fileExtensions: ['ts'],
    tsConfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
  const graph = result.obj();
  const cycles = result.circular().map((c) => `cycle: ${c.join(' -> ')}`);
  const problems = [...cycles, ...layerViolations(graph)];
  const edges = Object.values(graph).reduce((n, d) => n + d.length, 0);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.stderr.write(
      `check-imports: ${problems.length} problems in ${Object.keys(graph).length} files\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `check-imports: ${Object.keys(graph).length} files, ${edges} imports, no cycle, every import runs down the layers\n`,
  );
}
