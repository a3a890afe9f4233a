import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freeEndpoint } from './support/ports.js';
import { commandLine, descendants, gone } from './support/process-tree.js';

/** The repository, where `npm start` runs. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'soe-npm-start-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A topology on free ports (port 0 but for the controller, which the others are told), with every kind of part (and the controller's REST view). */
async function topology(name: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    'timeseries:\n  listen: 127.0.0.1:0\n  covid:\n    until: 2020-02-26\n    days: 1000\n    rate: 1\n' +
      `controller:\n  server-endpoint: ${await freeEndpoint()}\n  state-file: ''\n  rest-endpoint: 127.0.0.1:0\n` +
      'computers:\n  - server-endpoint: 127.0.0.1:0\n    utilization-endpoint: 127.0.0.1:0\n' +
      'routers:\n  - server-endpoint: 127.0.0.1:0\n    configuration-endpoint: 127.0.0.1:0\n',
  );
  return file;
}

/** Whether a TCP port of 127.0.0.1 can be bound now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Checks `condition` every 50 ms until it holds, failing after `seconds`: for processes that are not
 * our children, whose end no event reports.
 */
async function eventually(what: string, condition: () => boolean | Promise<boolean>, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`${what} after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `npm start` running a topology, once everything is up. */
interface Started {
  npm: ChildProcess;
  closed: Promise<unknown>;
  stdout: () => string;
  stderr: () => string;
  /** soe up's process (npm's child, `exec`ed by the start script). */
  up: number;
  /** The parts soe up started. */
  parts: number[];
  /** Every port the parts listen on. */
  ports: number[];
  logDir: string;
}

/** Starts `npm start -- <topology>` (in its own process group) and waits until it says "Press Ctrl-C to stop." */
async function npmStart(file: string): Promise<Started> {
  const npm = spawn('npm', ['start', '--', file], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  npm.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = once(npm, 'close');
  await new Promise<void>((resolve, reject) => {
    npm.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('Press Ctrl-C to stop.\n')) resolve();
    });
    void closed.then(() => reject(new Error(`npm start ended early:\n${out}\n${err}`)));
  });
  const header = /is up \(logs in (\S+), removed on a clean stop\):\n((?: {2}.*\n)+)/.exec(out);
  assert.ok(header, out);
  const ports = [...header[2]!.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  const tree = descendants(npm.pid!);
  const up = tree[0]!;
  assert.match(commandLine(up), /^node scripts\/start\.js /, 'npm runs the start script itself');
  return {
    npm,
    closed,
    stdout: () => out,
    stderr: () => err,
    up,
    parts: tree.slice(1),
    ports: [...new Set(ports)],
    logDir: header[1]!,
  };
}

/** Checks that every part is gone and every port free. */
async function assertAllStopped(s: Started): Promise<void> {
  await eventually('a part still runs', () => s.parts.every(gone));
  for (const port of s.ports) assert.equal(await canBind(port), true, `port ${port} is free`);
}

const CASES: { name: string; signal: NodeJS.Signals; to: 'npm' | 'group' }[] = [
  { name: 'SIGINT to npm', signal: 'SIGINT', to: 'npm' },
  { name: 'SIGTERM to npm', signal: 'SIGTERM', to: 'npm' },
  { name: 'Ctrl-C (SIGINT to the process group)', signal: 'SIGINT', to: 'group' },
  { name: 'a closed terminal (SIGHUP to the process group)', signal: 'SIGHUP', to: 'group' },
];

for (const c of CASES) {
  test(`npm start stops every part and frees every port on ${c.name}`, async (t) => {
    const s = await npmStart(await topology(c.name.replace(/\W+/g, '-')));
    // A timeseries service, its COVID producer, a controller, a computer and a router.
    assert.equal(s.parts.length, 5, `the parts: ${s.parts.join(' ')}`);
    // The controller's REST view too, and the Edge dashboard's URL next to the GUI's.
    assert.equal(s.ports.length, 7, `listening on ${s.ports.join(' ')}`);
    assert.match(
      s.stdout(),
      /\n {2}dashboard +http:\/\/127\.0\.0\.1:\d+\/ui\/#\/edge\?controller=http:\/\/127\.0\.0\.1:\d+\n/,
    );
    const signalled = performance.now();
    process.kill(c.to === 'npm' ? s.npm.pid! : -s.npm.pid!, c.signal);
    await s.closed;
    const seconds = (performance.now() - signalled) / 1000;
    // soe up waits for every part before it exits: when npm is done, so are they.
    assert.deepEqual(
      s.parts.filter((p) => !gone(p)),
      [],
      'every part has exited',
    );
    await assertAllStopped(s);
    assert.match(s.stderr(), new RegExp(`${c.signal} received, stopping the deployment`));
    assert.equal(existsSync(s.logDir), false, 'the temporary log folder is removed after a clean stop');
    t.diagnostic(`stopped in ${seconds.toFixed(2)} s`);
    assert.ok(seconds < 10, `stopped in ${seconds.toFixed(1)} s (4 s at most but for a busy machine)`);
  });
}

test('if soe up is killed with SIGKILL, every part stops by itself', async () => {
  const s = await npmStart(await topology('sigkill'));
  try {
    process.kill(s.up, 'SIGKILL');
    await s.closed;
    await assertAllStopped(s);
  } finally {
    rmSync(s.logDir, { recursive: true, force: true });
  }
});
