#!/usr/bin/env node
// Prints the per-file table of Gnocchi's functional tests (test/gabbits/, issue 21): ours (a fresh
// `soe timeseries serve` per file, with the options of Gnocchi's fixture) / real (Gnocchi 4.4.2, from
// test/gabbits/expected.json). Usage: node scripts/gabbi-table.js [--build DIR] [--storage postgres://…]
// [--json] [FILE...]; DIR is the build folder (default dist; npm run gabbi:table builds it first).
// With --storage, each file runs on a new database of that server, dropped afterwards.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
let build = 'dist';
let storage;
let json = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--build') build = args[++i];
  else if (args[i] === '--storage') storage = args[++i];
  else if (args[i] === '--json') json = true;
  else files.push(args[i].replace(/\.yaml$/, ''));
}
const suite = await import(pathToFileURL(resolve(build, 'test/support/gabbi-suite.js')).href);
const unavailable = suite.gabbiUnavailable();
if (unavailable) {
  console.error(`cannot run the gabbits: ${unavailable}`);
  process.exit(1);
}
const expected = existsSync(suite.GABBITS_DIR + 'expected.json') ? suite.expectations() : {};
const names = files.length > 0 ? files : suite.gabbitNames();
let ours = 0;
let real = 0;
let tests = 0;
if (!json) console.log('| file | ours | real |\n|---|---|---|');
for (const name of names) {
  const db = storage === undefined ? undefined : await suite.freshDatabase(storage);
  const result = await suite.runGabbit(name, db?.url).finally(() => db?.drop());
  const row = expected[name];
  ours += result.passes;
  tests += result.tests;
  real += row?.real ?? 0;
  if (json) console.log(JSON.stringify(result));
  else
    console.log(`| ${name} | ${result.passes}/${result.tests} | ${row?.real ?? '?'}/${row?.tests ?? '?'} |`);
}
if (!json) console.log(`| **total** | ${ours}/${tests} | ${real}/${tests} |`);
