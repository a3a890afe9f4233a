import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { commandDoc } from './command-docs.js';
import { helpText } from './command.js';
import { COMMANDS, findCommand } from './commands.js';

const DOCS = new URL('../../../docs/', import.meta.url);

test('docs/<command>.md is what the option definitions generate (run `npm run docs` after changing options)', () => {
  for (const command of COMMANDS) {
    const committed = readFileSync(new URL(`${command.name}.md`, DOCS), 'utf8');
    assert.equal(committed, commandDoc(command), `docs/${command.name}.md is stale`);
  }
});

test('every original executable name maps to its subcommand', () => {
  assert.equal(findCommand('edgecomputer')?.name, 'computer');
  assert.equal(findCommand('edgeclient')?.name, 'client');
  assert.equal(findCommand('edgecomputerclient')?.name, 'computer-util');
  assert.equal(findCommand('nope'), undefined);
});

test('the generated page lists each option with its default', () => {
  const doc = commandDoc(findCommand('edgecomputer')!);
  assert.match(doc, /^# `soe computer` \(`edgecomputer`\)\n/);
  assert.match(doc, /\| `--server-endpoint` \| string \| `0\.0\.0\.0:6473` \| lambda server end-point/);
  assert.match(doc, /\| `--help`, `-h` \| flag \|  \| produce help message \|/);
});

test('a command’s reference follows the options table in the docs and stays out of --help', () => {
  const command = findCommand('timeseries')!;
  const doc = commandDoc(command);
  assert.ok(command.reference !== undefined);
  assert.ok(doc.endsWith(`\n\n${command.reference.trim()}\n`));
  assert.ok(doc.indexOf('| `--verbose` |') < doc.indexOf('## Authentication'));
  assert.equal(helpText(command, 'soe timeseries').includes('## Authentication'), false);
});
