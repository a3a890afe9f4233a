/**
 * `--secure` as the original's docs/example-secure.md runs it, with the executables: certificates in
 * `$CERT_DIR`, a controller, a computer and a router all `--secure`, then `edgeclient --secure`,
 * `forwardingtableclient --secure` and `edgecomputerclient --secure`; the same clients in clear are refused,
 * and a missing certificate is named with its variable.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { opensslMissing, TestCertificates } from '../src/protocol/test-certificates.test-support.js';
import { run, start, type Running } from './support/processes.js';

const skip = await opensslMissing();

describe('edgecontroller, edgecomputer, edgerouter and their clients with --secure', { skip }, () => {
  let certs: TestCertificates;
  let env: NodeJS.ProcessEnv;
  const running: Running[] = [];
  let computer: { endpoint: string; utilization: string };
  let router: { endpoint: string; configuration: string };

  before(async () => {
    certs = await TestCertificates.create();
    env = certs.env();
    const controllerProc = start(
      'edgecontroller',
      ['--secure', '--server-endpoint', '127.0.0.1:0', '--state-file', ''],
      env,
    );
    running.push(controllerProc);
    const controller = (await controllerProc.waitFor(/controller listening on (\S+) \(TLS\)/))[1]!;
    const ctl = ['--controller-endpoint', controller];
    const computerProc = start(
      'edgecomputer',
      ['--secure', '--server-endpoint', '127.0.0.1:0', '--utilization-endpoint', '127.0.0.1:0', ...ctl],
      env,
    );
    running.push(computerProc);
    const c = await computerProc.waitFor(/listening on (\S+), utilization stream on (\S+) \(TLS\)/);
    computer = { endpoint: c[1]!, utilization: c[2]! };
    await computerProc.waitFor(/announced/);
    const routerProc = start(
      'edgerouter',
      ['--secure', '--server-endpoint', '127.0.0.1:0', '--configuration-endpoint', '127.0.0.1:0', ...ctl],
      env,
    );
    running.push(routerProc);
    const r = await routerProc.waitFor(/router listening on (\S+), configuration on (\S+) \(TLS\)/);
    router = { endpoint: r[1]!, configuration: r[2]! };
    await routerProc.waitFor(/announced/);
    await controllerProc.waitFor(/router announce from/);
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await certs.remove();
  });

  test('the controller programmed the router over TLS: forwardingtableclient --secure dumps the route', async () => {
    const dump = await run(
      'forwardingtableclient',
      ['--secure', '--server-endpoint', router.configuration],
      env,
    );
    assert.equal(dump.code, 0, dump.stderr);
    assert.match(dump.stdout, new RegExp(`^Table#0\\nclambda0 \\[1 *\\] ${computer.endpoint} \\(F\\)\\n`));
  });

  test('edgeclient --secure gets its answers through the router', async () => {
    const client = await run(
      'edgeclient',
      ['--secure', '--server-endpoints', router.endpoint, '--max-requests', '3', '--lambda', 'clambda0'],
      env,
    );
    assert.equal(client.code, 0, client.stderr);
    const lines = client.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) {
      const [, , , responder, lambda, hops] = line.split(' ');
      assert.deepEqual([responder, lambda, hops], [computer.endpoint, 'clambda0', '2']);
    }
  });

  test('edgecomputerclient --secure prints utilization samples', async () => {
    const util = start('edgecomputerclient', ['--secure', '--server-endpoint', computer.utilization], env);
    try {
      const m = await util.waitFor(/^\S+ (\S+) (\d\.\d{6})$/m);
      assert.equal(m[1], 'arm');
    } finally {
      await util.stop('SIGKILL');
    }
  });

  test('the same clients in clear are refused (exit 1), the servers go on', async () => {
    const client = await run(
      'edgeclient',
      ['--server-endpoints', router.endpoint, '--max-requests', '1', '--lambda', 'clambda0'],
      env,
    );
    assert.equal(client.code, 1);
    assert.equal(client.stdout, '');
    assert.match(client.stderr, /1 error\(s\) occurred: RPC failed: /);
    const dump = await run('forwardingtableclient', ['--server-endpoint', router.configuration], env);
    assert.equal(dump.code, 1);
    const again = await run(
      'edgeclient',
      ['--secure', '--server-endpoints', router.endpoint, '--max-requests', '1', '--lambda', 'clambda0'],
      env,
    );
    assert.equal(again.code, 0, again.stderr);
  });

  test('a certificate that cannot be read is named with its variable, exit 1', async () => {
    const missing = await run(
      'edgeclient',
      ['--secure', '--server-endpoints', router.endpoint, '--max-requests', '1'],
      certs.env({ CLIENT_KEY: 'nope.key' }),
    );
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      new RegExp(`Cannot read CLIENT_KEY ${join(certs.dir, 'nope.key')} \\(ENOENT\\)`),
    );
  });
});
