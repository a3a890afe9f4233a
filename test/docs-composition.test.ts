/**
 * docs/composition.md stays true (issue 16): `soe up topologies/composition.yaml` (processes of this build,
 * on free ports), the templates written by `edgeclient --chain-conf/--dag-conf type=make-template`, then
 * every `edgeclient` line of the doc's walkthrough block, in order, each printing the line written under
 * it (`<t>`, `<latency>`, `<load1>`: any number; `127.0.0.1:100..`: either computer).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { CHAIN_TEMPLATE, DAG_TEMPLATE } from '../src/client/composition-conf.js';
import { freeEndpoint } from './support/ports.js';
import { BIN_DIR, start, type Finished } from './support/processes.js';
import { withFreePorts } from './support/topology-ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOE_JS = fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url));
const SOE = relative(BIN_DIR, SOE_JS).replace(/\.js$/, '');
const DOC = readFileSync(join(ROOT, 'docs/composition.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'soe-docs-composition-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs this build's `soe` with `args` in the folder `cwd`. */
function soeIn(cwd: string, args: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SOE_JS, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The walkthrough: each `edgeclient` line of the doc's block with the line expected under it. */
function walkthrough(): { command: string; expected: string }[] {
  const block = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('\n# '));
  assert.ok(block !== undefined, 'docs/composition.md has no walkthrough block');
  const lines = block.trimEnd().split('\n');
  const steps: { command: string; expected: string }[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    assert.match(lines[i]!, /^edgeclient /);
    assert.match(lines[i + 1] ?? '', /^# /, `no expected line under ${lines[i]}`);
    steps.push({ command: lines[i]!, expected: lines[i + 1]!.slice(2) });
  }
  return steps;
}

test('docs/composition.md: the walkthrough on soe up topologies/composition.yaml', async () => {
  const steps = walkthrough();
  assert.equal(steps.length, 9);
  assert.equal((await soeIn(dir, ['edgeclient', '--chain-conf', 'type=make-template'])).code, 0);
  assert.equal((await soeIn(dir, ['edgeclient', '--dag-conf', 'type=make-template'])).code, 0);
  assert.equal(readFileSync(join(dir, 'chain-example.json'), 'utf8'), CHAIN_TEMPLATE);
  assert.equal(readFileSync(join(dir, 'dag-example.json'), 'utf8'), DAG_TEMPLATE);

  const ports = new Map<string, string>();
  const topology = (await withFreePorts(
    parse(readFileSync(join(ROOT, 'topologies/composition.yaml'), 'utf8')),
    ports,
  )) as { computers: { conf: string }[] };
  for (const c of topology.computers) c.conf = c.conf.replace('path=', `path=${ROOT}`);
  for (const extra of ['127.0.0.1:6480', '127.0.0.1:6481']) ports.set(extra, await freeEndpoint());
  const file = join(dir, 'composition.yaml');
  writeFileSync(file, stringify(topology));
  const up = start(SOE, ['up', file, '--log-dir', join(dir, 'logs')]);
  try {
    await up.waitFor(/Press Ctrl-C to stop/, 120_000);
    const computers = [ports.get('127.0.0.1:10001')!, ports.get('127.0.0.1:10002')!];
    const local = (text: string): string => text.replace(/127\.0\.0\.1:\d{4,5}/g, (e) => ports.get(e) ?? e);
    for (const step of steps) {
      const args = local(step.command).split(' ');
      let res: Finished | undefined;
      // The controller installs the routes shortly after the computers announce themselves.
      for (let attempt = 0; attempt < 100; attempt++) {
        res = await soeIn(dir, [...args, '--callback-timeout', '30']);
        if (!/No destinations found for the entry/.test(res.stderr)) break;
      }
      assert.equal(res!.code, 0, `${step.command}\n${res!.stderr}`);
      const pattern = local(step.expected)
        .replace(/[.+]/g, (c) => `\\${c}`)
        .replace('<t> <latency>', '\\d+(\\.\\d+)?(e-\\d+)? \\d+(\\.\\d+)?(e-\\d+)?')
        .replace('<load1>', '\\d+')
        .replace('127\\.0\\.0\\.1:100\\.\\.', `(${computers.map((c) => c.replace(/\./g, '\\.')).join('|')})`);
      assert.match(res!.stdout, new RegExp(`^${pattern}\n$`), `${step.command}\n${res!.stderr}`);
    }
  } finally {
    const stopped = await up.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
  }
});
