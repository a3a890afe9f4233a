/**
 * wskproxy --controller-endpoint (issue 15): Node.js actions go to the js computers the e-controller knows
 * (those announcing a management end-point), with no --management-endpoints; processes of this build.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import openwhisk from 'openwhisk';
import { BIN_DIR, start, type Running } from './support/processes.js';

const SOE = relative(
  BIN_DIR,
  fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url)),
).replace(/\.js$/, '');

const KEY =
  '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';
const HELLO = "function main(p) { return { payload: 'Hello ' + (p.name || 'stranger') }; }";

const dir = mkdtempSync(join(tmpdir(), 'soe-openwhisk-ctrl-'));
const running: Running[] = [];
let ctrl = '';
let apihost = '';

function soe(args: string[]): Running {
  const proc = start(SOE, args);
  running.push(proc);
  return proc;
}

/** A js computer announcing its management API to the controller; that API's end-point. */
async function jsComputer(): Promise<string> {
  const js = soe([
    'computer',
    ...['--computer-type', 'js', '--server-endpoint', '127.0.0.1:0', '--utilization-endpoint', ''],
    ...['--management-endpoint', '127.0.0.1:0', '--controller-endpoint', ctrl],
  ]);
  const management = (await js.waitFor(/management API: http:\/\/(\S+)\/functions/))[1]!;
  await js.waitFor(/announced/);
  return management;
}

/** Retries `fn` while it fails with a 503 (the route not yet installed), at most 20 s. */
async function untilRouted<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 503 || i >= 400) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

before(async () => {
  writeFileSync(join(dir, 'keys'), `${KEY}\n`);
  const c = soe(['controller', '--server-endpoint', '127.0.0.1:0', '--state-file', '']);
  ctrl = (await c.waitFor(/controller listening on (\S+)/))[1]!;
  await jsComputer();
  const r = soe([
    'router',
    ...['--server-endpoint', '127.0.0.1:0', '--configuration-endpoint', '127.0.0.1:0'],
    ...['--controller-endpoint', ctrl],
  ]);
  const routerEndpoint = (await r.waitFor(/listening on (\S+), configuration on/))[1]!;
  await r.waitFor(/announced/);
  const proxy = soe([
    'wskproxy',
    ...['--wsk-api-root', 'http://127.0.0.1:0', '--server-endpoint', routerEndpoint],
    ...['--auth-file', join(dir, 'keys'), '--controller-endpoint', ctrl],
  ]);
  apihost = (await proxy.waitFor(/wskproxy serving (\S+)\/api\/v1/))[1]!;
});

after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

test('an action created with only --controller-endpoint is invoked through the router', async () => {
  const ow = openwhisk({ apihost, api_key: KEY });
  await ow.actions.create({ name: 'hello', action: HELLO, kind: 'nodejs:20' });
  const result = await untilRouted(() =>
    ow.actions.invoke({ name: 'hello', blocking: true, result: true, params: { name: 'edge' } }),
  );
  assert.deepEqual(result, { payload: 'Hello edge' });
});

test('a js computer started later gets the actions; an annotation naming an unknown one is a 400', async () => {
  const later = await jsComputer();
  const deployed = async (): Promise<string[]> => {
    const answer = await fetch(`http://${later}/functions`);
    return ((await answer.json()) as { name: string }[]).map((f) => f.name);
  };
  // The proxy lists the controller's computers every second: wait for the function to arrive.
  let names = await deployed();
  for (let i = 0; !names.includes('guest.hello') && i < 400; i++) {
    await new Promise((r) => setTimeout(r, 50));
    names = await deployed();
  }
  assert.deepEqual(names, ['guest.hello']);
  const ow = openwhisk({ apihost, api_key: KEY });
  await assert.rejects(
    ow.actions.create({
      name: 'pinned',
      action: HELLO,
      kind: 'nodejs:20',
      annotations: { 'soe-computers': '127.0.0.1:1' },
    }),
    (thrown) => {
      const err = thrown as { statusCode: number; error: { error: string } };
      assert.equal(err.statusCode, 400);
      assert.equal(err.error.error, 'annotation soe-computers: unknown js computer 127.0.0.1:1');
      return true;
    },
  );
  await ow.actions.create({
    name: 'pinned',
    action: HELLO,
    kind: 'nodejs:20',
    annotations: { 'soe-computers': later },
  });
  assert.deepEqual(await deployed(), ['guest.hello', 'guest.pinned']);
});
