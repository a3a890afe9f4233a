import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freeEndpoint } from './support/ports.js';
import { commandLine, descendants } from './support/process-tree.js';

const SOE = fileURLToPath(new URL('../../bin/soe.js', import.meta.url));

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'soe-files-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `soe <args>` in `cwd` with extra environment; collects its output. */
function soe(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(process.execPath, [SOE, ...args], {
    cwd: options.cwd ?? dir,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = once(child, 'close').then(([code]) => code as number | null);
  /** Resolves with the first match of `pattern` in the output (stdout, then stderr); rejects if the process ends first. */
  const waitFor = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = pattern.exec(out) ?? pattern.exec(err);
        if (m === null) return;
        child.stdout.off('data', check);
        child.stderr.off('data', check);
        resolve(m);
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void closed.then(() => reject(new Error(`no ${String(pattern)}:\n${out}\n${err}`)));
      check();
    });
  return { child, closed, waitFor, stdout: () => out, stderr: () => err };
}

/** A topology file: a controller on a free port and one computer (on the controller's end-point: it fails). */
async function topology(name: string, computerOnController = false): Promise<{ file: string; ctl: string }> {
  const ctl = await freeEndpoint();
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `controller:\n  server-endpoint: ${ctl}\n  state-file: ''\n` +
      `computers:\n  - server-endpoint: ${computerOnController ? ctl : '127.0.0.1:0'}\n` +
      '    utilization-endpoint: 127.0.0.1:0\n',
  );
  return { file, ctl };
}

test('the controller keeps its state in $XDG_STATE_HOME/soe/ by default, nothing in the working directory', async () => {
  const state = join(dir, 'xdg-state');
  const cwd = join(dir, 'controller-cwd');
  mkdirSync(cwd);
  const controller = soe(['controller', '--server-endpoint', '127.0.0.1:0'], {
    cwd,
    env: { XDG_STATE_HOME: state },
  });
  const file = join(state, 'soe', 'edgecontroller-state.json');
  const m = await controller.waitFor(/state file: (.*)\n/);
  assert.equal(m[1], `'${file}'`);
  assert.equal(
    (JSON.parse(readFileSync(file, 'utf8')) as { format: string }).format,
    'soe-edgecontroller-state',
  );
  controller.child.kill('SIGINT');
  assert.equal(await controller.closed, 0);
  assert.deepEqual(readdirSync(cwd), []);
});

test('soe up removes its temporary log folder after a clean stop', async () => {
  const up = soe(['up', (await topology('clean')).file, '--exit-after-clients']);
  assert.equal(await up.closed, 0, up.stderr());
  const logs = /is up \(logs in (\S+), removed on a clean stop\):\n/.exec(up.stdout())?.[1];
  assert.ok(logs, up.stdout());
  assert.match(logs, /soe-up-/);
  assert.equal(existsSync(logs), false);
});

test('soe up --keep-logs keeps the temporary log folder', async () => {
  const up = soe(['up', (await topology('keep')).file, '--exit-after-clients', '--keep-logs']);
  assert.equal(await up.closed, 0, up.stderr());
  const logs = /is up \(logs in (\S+)\):\n/.exec(up.stdout())?.[1];
  assert.ok(logs, up.stdout());
  try {
    assert.deepEqual(readdirSync(logs).sort(), ['computers-0.log', 'controller.log']);
    assert.match(readFileSync(join(logs, 'controller.log'), 'utf8'), /SIGINT received/);
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('soe up keeps the logs of a part that fails to start and says where they are', async () => {
  const { file, ctl } = await topology('fails', true);
  const up = soe(['up', file]);
  assert.equal(await up.closed, 1);
  const logs = /\(logs kept in (\S+)\)\n/.exec(up.stderr())?.[1];
  assert.ok(logs, up.stderr());
  try {
    assert.match(up.stderr(), /computers\[0\] \(soe computer .*\) exited with status 1:/);
    assert.match(
      readFileSync(join(logs, 'computers-0.log'), 'utf8'),
      new RegExp(`Could not bind to: ${ctl}`),
    );
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('soe up keeps the logs when a part dies while it runs, and says so', async () => {
  const up = soe(['up', (await topology('dies')).file]);
  let logs: string | undefined;
  try {
    await up.waitFor(/Press Ctrl-C to stop\.\n/);
    const computer = descendants(up.child.pid!).find((p) => /\/soe\.js computer /.test(commandLine(p)));
    assert.ok(computer !== undefined, 'the computer runs');
    process.kill(computer, 'SIGKILL');
    const died = /computers\[0\] exited with status SIGKILL; its log: (\S+)\/computers-0\.log\n/;
    logs = (await up.waitFor(died))[1]!;
    up.child.kill('SIGINT');
    assert.equal(await up.closed, 0);
    assert.match(up.stderr(), new RegExp(`a part failed: logs kept in ${logs}\\n`));
    assert.deepEqual(readdirSync(logs).sort(), ['computers-0.log', 'controller.log']);
  } finally {
    up.child.kill('SIGKILL');
    if (logs !== undefined) rmSync(logs, { recursive: true, force: true });
  }
});
