import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveComputer } from '../platform/computer-server.js';
import { FakeFaas } from '../platform/http/fake-faas.test-support.js';
import { HttpComputer } from '../platform/http/http-computer.js';
import { parseHttpConf } from '../platform/http/http-conf.js';
import { setLogSink } from '../support/logger.js';
import { clientCommand } from './command-client.js';
import { runCommand } from './command.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-client-'));

test('edgeclient --show-output through an http computer: abc -> abcabc, then the retcode once the gateway is gone', async () => {
  const gateway = await FakeFaas.start((req) => ({ status: 200, body: req.body + req.body }));
  const conf = parseHttpConf(`gateway-url=${gateway.url},num-clients=1`);
  const server = await serveComputer({ serverEndpoint: '127.0.0.1:0', utilizationEndpoint: '' }, (name) =>
    Promise.resolve(new HttpComputer(name, conf, 0)),
  );
  const logged: string[] = [];
  const restore = setLogSink((line) => logged.push(line));
  const client = async (file: string): Promise<number> =>
    runCommand(
      clientCommand,
      [
        ...['--server-endpoints', server.endpoint, '--lambda', 'lambda1', '--content', 'abc'],
        ...['--max-requests', '2', '--show-output', '--output-file', file],
      ],
      'edgeclient',
    );
  try {
    const ok = join(dir, 'ok.txt');
    assert.equal(await client(ok), 0);
    const lines = readFileSync(ok, 'utf8').split('\n');
    assert.equal(lines.length, 5, lines.join('\n'));
    for (const i of [0, 2]) assert.match(lines[i]!, /^\S+ \S+ 0  lambda1 1$/);
    assert.deepEqual([lines[1], lines[3], lines[4]], ['abcabc', 'abcabc', '']);

    await gateway.stop();
    const failed = join(dir, 'failed.txt');
    assert.equal(await client(failed), 0);
    const retcode = `exception caught: cannot connect to 127.0.0.1:${gateway.port}: connection refused`;
    assert.equal(readFileSync(failed, 'utf8'), `invalid response to lambda1: ${retcode}\n`.repeat(2));
  } finally {
    restore();
    await server.stop();
    await gateway.stop();
  }
  assert.ok(!logged.some((l) => l.startsWith('E')), logged.join(''));
});
