#!/usr/bin/env node
// Builds dist/ incrementally, saying what it does, one line per step (on standard error):
//   1. TypeScript: `tsc -b tsconfig.build.json` (tsconfig.json with a build info file in dist/), which
//      compiles only what changed, or nothing; outputs whose source is gone are removed (a moved file
//      leaves no stale test behind), and a missing output makes it compile everything;
//   2. the web GUI (web/, vite.config.ts) with `tsc -p web` and Vite, only if its inputs changed since the
//      last build: the files of web/, the files of src/ they import, vite.config.ts and package-lock.json.
//
//   node scripts/build.js            what `npm ci` (prepare), `npm start` and `npm test` run
//   node scripts/build.js --clean    removes dist/ first (`npm run build`)
//
// SIGINT, SIGTERM or SIGHUP stop the step running and exit with 128 + the signal number.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The repository this script belongs to. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The TypeScript project built: tsconfig.json with its build info file in dist/. */
const TS_PROJECT = 'tsconfig.build.json';
/** Its build info file (as the project names it), inside dist/ so that removing dist/ forgets it. */
const BUILD_INFO = 'dist/.tsbuildinfo';
/** What the last web GUI build was made from (a hash of its inputs). */
const WEB_STAMP = 'dist/.web-inputs';
/** The folders tsconfig.json compiles, mirrored under dist/. */
const TS_FOLDERS = ['src', 'test', 'bench'];

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Every file under `dir` (relative to `root`), sorted; none if `dir` does not exist. */
function filesUnder(root, dir) {
  const out = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      if (err.code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/** A TypeScript source of the main project: `.ts` or `.tsx` under src/, test/ or bench/, not a `.d.ts`. */
function isSource(file) {
  return /\.tsx?$/.test(file) && !file.endsWith('.d.ts');
}

/** The file dist/ holds for a source: `src/a/b.ts` → `dist/src/a/b.js`. */
function outputOf(source) {
  return path.join('dist', source.replace(/\.tsx?$/, '.js'));
}

/**
 * Removes the outputs under dist/src, dist/test and dist/bench (`.js` and `.js.map`) whose source is gone;
 * returns how many files it removed.
 */
export function pruneStaleOutputs(root = ROOT) {
  let removed = 0;
  for (const folder of TS_FOLDERS) {
    for (const file of filesUnder(root, path.join('dist', folder))) {
      const m = /^dist\/(.*)\.js(\.map)?$/.exec(file.split(path.sep).join('/'));
      if (m === null) continue;
      const base = path.join(root, m[1]);
      if (fs.existsSync(`${base}.ts`) || fs.existsSync(`${base}.tsx`)) continue;
      fs.rmSync(path.join(root, file));
      removed++;
    }
  }
  return removed;
}

/** Whether every source of the TypeScript step has its output in dist/. */
function outputsComplete(root) {
  return TS_FOLDERS.flatMap((f) => filesUnder(root, f))
    .filter(isSource)
    .every((s) => fs.existsSync(path.join(root, outputOf(s))));
}

/** The relative imports of a web source (`from './x.js'`, `import '../y.css'`), resolved to files. */
function relativeImports(root, file) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const found = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = path.join(path.dirname(file), m[1]);
    const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx')];
    const hit = candidates.find(
      (c) => fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile(),
    );
    if (hit !== undefined) found.push(hit);
  }
  return found;
}

/**
 * The inputs of the web GUI build, relative to `root`: every file of web/, the files outside web/ that its
 * sources import (following imports), vite.config.ts and package-lock.json (the versions bundled).
 */
export function webInputs(root = ROOT) {
  const inputs = new Set(filesUnder(root, 'web'));
  const queue = [...inputs].filter((f) => /\.(tsx?|jsx?|mjs)$/.test(f));
  while (queue.length > 0) {
    for (const dep of relativeImports(root, queue.pop())) {
      if (inputs.has(dep)) continue;
      inputs.add(dep);
      if (/\.(tsx?|jsx?|mjs)$/.test(dep)) queue.push(dep);
    }
  }
  for (const f of ['vite.config.ts', 'package-lock.json'])
    if (fs.existsSync(path.join(root, f))) inputs.add(f);
  return [...inputs].sort();
}

/** A hash of the web GUI's inputs: their names and contents. */
export function webFingerprint(root = ROOT) {
  const hash = createHash('sha256');
  for (const f of webInputs(root)) {
    hash.update(`${f}\0`);
    hash.update(fs.readFileSync(path.join(root, f)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Runs a child, passing on its output but for `filter`ed stdout lines; resolves to its exit status. */
function run(command, args, { cwd, onLine, child: track }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', onLine ? 'pipe' : 'inherit', 'inherit'] });
    track(child);
    if (onLine) {
      let rest = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) onLine(line);
      });
      child.stdout.on('end', () => rest !== '' && onLine(rest));
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

/** `1 file`, `2 files`. */
function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function seconds(since) {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/**
 * Builds dist/ under `root`: TypeScript incrementally, then the web GUI if its inputs changed (and the root
 * has one). `clean` removes dist/ first. Progress lines go to `say`. Resolves to an exit status: 0, the
 * failing step's, or 128 + a signal's number if a stop signal came (the step running is stopped).
 */
export async function build({
  root = ROOT,
  clean = false,
  say = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  let current;
  let stopped;
  const onSignal = (signal) => {
    stopped ??= 128 + constants.signals[signal];
    current?.kill(signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  const opts = { cwd: root, child: (c) => (current = c) };
  try {
    const dist = path.join(root, 'dist');
    if (clean) {
      say('removing dist/');
      fs.rmSync(dist, { recursive: true, force: true });
    }
    const incremental = fs.existsSync(path.join(root, BUILD_INFO));
    const force = incremental && !outputsComplete(root);
    let started = performance.now();
    say(
      `building dist/ (TypeScript, ${!incremental ? 'everything' : force ? 'everything: dist/ misses outputs' : 'incremental'})...`,
    );
    const tscArgs = ['-b', TS_PROJECT, '--listEmittedFiles', ...(force ? ['--force'] : [])];
    let emitted = 0;
    const tsc = await run(process.execPath, [require.resolve('typescript/bin/tsc'), ...tscArgs], {
      ...opts,
      onLine: (line) => {
        if (line.startsWith('TSFILE: ')) {
          if (line.endsWith('.js')) emitted++;
        } else process.stdout.write(`${line}\n`);
      },
    });
    if (stopped !== undefined) return stopped;
    if (tsc !== 0) {
      say(`TypeScript failed (status ${tsc})`);
      return tsc;
    }
    const pruned = pruneStaleOutputs(root);
    say(
      `dist/: ${emitted === 0 ? 'up to date' : `${plural(emitted, 'file')} compiled`}` +
        `${pruned > 0 ? `, ${plural(pruned, 'stale output')} removed` : ''} (${seconds(started)})`,
    );
    if (!fs.existsSync(path.join(root, 'web')) || !fs.existsSync(path.join(root, 'vite.config.ts'))) return 0;
    const stamp = path.join(root, WEB_STAMP);
    const fingerprint = webFingerprint(root);
    const built = fs.existsSync(path.join(dist, 'web', 'index.html')) && fs.existsSync(stamp);
    if (built && fs.readFileSync(stamp, 'utf8') === fingerprint) {
      say('web GUI up to date');
      return 0;
    }
    started = performance.now();
    say('building the web GUI (type check, Vite)...');
    fs.rmSync(stamp, { force: true });
    const check = await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'web'], opts);
    if (stopped !== undefined) return stopped;
    if (check !== 0) {
      say(`web GUI type check failed (status ${check})`);
      return check;
    }
    const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    const vite = await run(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], opts);
    if (stopped !== undefined) return stopped;
    if (vite !== 0) {
      say(`Vite failed (status ${vite})`);
      return vite;
    }
    fs.writeFileSync(stamp, fingerprint);
    say(`web GUI built (${seconds(started)})`);
    return 0;
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--clean');
  if (unknown.length > 0) {
    process.stderr.write(`build: unknown argument '${unknown[0]}' (the only option is --clean)\n`);
    process.exit(2);
  }
  process.exitCode = await build({ clean: args.includes('--clean') });
}
