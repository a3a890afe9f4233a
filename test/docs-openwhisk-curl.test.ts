/**
 * docs/openwhisk.md stays true (issue 15): every `curl` line of its AUTH block runs, with real curl, against
 * a real wskproxy (processes of this build: controller, js computer, router, wskproxy --controller-endpoint
 * as the doc starts them, on free ports), and answers the status and body written under it (`…` stands for
 * any text, `<id>` for the activation id of the 202 answer).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BIN_DIR, start, type Running } from './support/processes.js';

const SOE = relative(
  BIN_DIR,
  fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url)),
).replace(/\.js$/, '');
const DOC = readFileSync(new URL('../../docs/openwhisk.md', import.meta.url), 'utf8');
/** The API root the doc's lines use. */
const DOC_ROOT = 'http://127.0.0.1:20000';

/** One curl line of the doc with the answer written under it. */
interface Step {
  command: string;
  status: number;
  body: string;
}

/** The steps of the doc's ```sh block that sets AUTH, and the key. */
function docSteps(): { auth: string; steps: Step[] } {
  const block = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => b.startsWith('AUTH='));
  assert.ok(block !== undefined, 'docs/openwhisk.md has no ```sh block starting with AUTH=');
  const lines = block.replace(/\\\n\s*/g, '').split('\n');
  const auth = lines[0]!.slice('AUTH='.length);
  const steps: Step[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    assert.match(line, /^curl /, `not a curl line: ${line}`);
    const expected = /^# (\d{3}) (.*)$/.exec(lines[i + 1] ?? '');
    assert.ok(expected !== null, `no '# <status> <body>' line under: ${line}`);
    steps.push({ command: line, status: Number(expected[1]), body: expected[2]! });
    i++;
  }
  return { auth, steps };
}

const dir = mkdtempSync(join(tmpdir(), 'soe-docs-openwhisk-'));
const running: Running[] = [];
let apiRoot = '';

function soe(args: string[]): Running {
  const proc = start(SOE, args);
  running.push(proc);
  return proc;
}

before(async () => {
  writeFileSync(join(dir, 'keys'), `${docSteps().auth} guest\n`);
  const c = soe(['controller', '--server-endpoint', '127.0.0.1:0', '--state-file', '']);
  const ctrl = (await c.waitFor(/controller listening on (\S+)/))[1]!;
  const js = soe([
    'computer',
    ...['--computer-type', 'js', '--server-endpoint', '127.0.0.1:0', '--utilization-endpoint', ''],
    ...['--management-endpoint', '127.0.0.1:0', '--controller', ctrl],
  ]);
  await js.waitFor(/announced/);
  const r = soe([
    'router',
    ...['--server-endpoint', '127.0.0.1:0', '--configuration-endpoint', '127.0.0.1:0', '--controller', ctrl],
  ]);
  const router = (await r.waitFor(/listening on (\S+), configuration on/))[1]!;
  await r.waitFor(/announced/);
  const proxy = soe([
    'wskproxy',
    ...['--wsk-api-root', 'http://127.0.0.1:0', '--server-endpoint', router],
    ...['--auth-file', join(dir, 'keys'), '--controller-endpoint', ctrl],
  ]);
  apiRoot = (await proxy.waitFor(/wskproxy serving (\S+)\/api\/v1/))[1]!;
});

after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a doc line with sh, AUTH set, against our wskproxy: the status and body curl got. */
function curl(command: string, auth: string): Promise<{ status: number; body: string }> {
  const line = command.replace(/^curl /, `curl -sS -w '\\n%{http_code}' `).replaceAll(DOC_ROOT, apiRoot);
  return new Promise((resolve, reject) => {
    execFile(
      'sh',
      ['-c', line],
      { env: { ...process.env, AUTH: auth }, timeout: 60_000 },
      (err, out, stderr) => {
        if (err) return reject(new Error(`${line}: ${err.message} ${stderr}`));
        const cut = out.lastIndexOf('\n');
        resolve({ status: Number(out.slice(cut + 1)), body: out.slice(0, cut) });
      },
    );
  });
}

/** The regular expression of a written body: `…` any text, `<id>` the activation id (captured if unknown). */
function bodyPattern(body: string, id: string | undefined): RegExp {
  const parts = body
    .split(/(…|<id>)/)
    .map((p) =>
      p === '…' ? '.*' : p === '<id>' ? (id ?? '([0-9a-f]{32})') : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
  return new RegExp(`^${parts.join('')}$`);
}

test('every curl line of docs/openwhisk.md answers the status and body written under it', async () => {
  const { auth, steps } = docSteps();
  assert.ok(steps.length >= 6, `only ${steps.length} curl lines found`);
  let id: string | undefined;
  for (const step of steps) {
    const command = id === undefined ? step.command : step.command.replaceAll('<id>', id);
    let answer = await curl(command, auth);
    // Until the js computer's announcement has reached the router, an invocation is a 503 (as the doc says);
    // a non-blocking invocation's activation is a 404 until it is done.
    const early = (status: number): boolean =>
      status !== step.status && (status === 503 || (status === 404 && command.includes('/activations/')));
    for (let i = 0; early(answer.status) && i < 400; i++) {
      await new Promise((r) => setTimeout(r, 50));
      answer = await curl(command, auth);
    }
    assert.equal(answer.status, step.status, `${step.command}\n${answer.body}`);
    const match = bodyPattern(step.body, id).exec(answer.body);
    assert.ok(match !== null, `${step.command}\nexpected ${step.body}\ngot      ${answer.body}`);
    id ??= match[1];
  }
  assert.notEqual(id, undefined, 'no activation id seen');
});
