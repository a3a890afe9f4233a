import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { freeEndpoint } from './support/ports.js';
import { withFreePorts } from './support/topology-ports.js';
import { run } from './support/processes.js';

const TOPOLOGIES = fileURLToPath(new URL('../../topologies/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'soe-hier-'));

test('soe up topologies/hier-example.yaml: requests go client → router → computer or → router → router → computer', async () => {
  // The shipped example, on free ports and with the shipped distance file by absolute path.
  const ports = new Map<string, string>();
  const example = (await withFreePorts(
    parse(readFileSync(join(TOPOLOGIES, 'hier-example.yaml'), 'utf8')),
    ports,
  )) as { controller: Record<string, unknown>; clients: Record<string, unknown>[] };
  example.controller['topology-file'] = join(TOPOLOGIES, 'dist-example.txt');
  example.clients[0]!['inter-request-time'] = 0.02;
  const topology = join(dir, 'hier.yaml');
  writeFileSync(topology, stringify(example));
  const near = ports.get('127.0.0.4:10000')!;
  const far = ports.get('127.0.0.5:10000')!;

  const up = await run('soe', ['up', topology, '--exit-after-clients', '--log-dir', dir]);
  assert.equal(up.code, 0, up.stderr);

  const replies = up.stdout
    .trimEnd()
    .split('\n')
    .map((line) => /^\S+ \S+ \d+ (\S+) clambda0 (\d+)$/.exec(line))
    .filter((m) => m !== null);
  assert.equal(replies.length, 20, up.stdout);
  const seen = new Set<string>();
  for (const [line, responder, hops] of replies) {
    // Its home router 127.0.0.2 reaches the near computer directly; the far one only through its
    // own home router 127.0.0.3.
    if (responder === near) assert.equal(hops, '2', line);
    else assert.deepEqual([responder, hops], [far, '3'], line);
    seen.add(responder!);
  }
  assert.equal(seen.size, 2, 'the random policy of router 127.0.0.2 uses both routes');

  const controllerLog = readFileSync(join(dir, 'controller.log'), 'utf8');
  assert.match(controllerLog, /Created a controller with hierarchical routing/);
  assert.match(controllerLog, /Set the following objective in the controller: min-max/);
});

test('edgecontroller --installer-type hier refuses a missing topology file or a bad objective', async () => {
  const missing = join(dir, 'missing.txt');
  const noFile = await run('edgecontroller', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--state-file',
    '',
    '--installer-type',
    'hier',
    '--topology-file',
    missing,
  ]);
  assert.equal(noFile.code, 1);
  assert.match(
    noFile.stderr,
    new RegExp(`Exception caught: Invalid or non-existing topology file '${missing}'\\n`),
  );
  const objective = await run('edgecontroller', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--state-file',
    '',
    '--installer-type',
    'hier',
    '--topology-file',
    join(TOPOLOGIES, 'dist-example.txt'),
    '--hier-objective',
    'min-sum',
  ]);
  assert.equal(objective.code, 1);
  assert.match(objective.stderr, /Exception caught: Invalid hierarchical controller objective: min-sum\n/);
});

test('soe up runs the dispatchers of a topology, told where the controller is', async () => {
  const [ctl, c, u, d, dc] = await Promise.all(Array.from({ length: 5 }, () => freeEndpoint('127.0.0.1')));
  const topology = join(dir, 'dispatcher.yaml');
  writeFileSync(
    topology,
    `controller:\n  server-endpoint: ${ctl}\n  state-file: ''\n` +
      `computers:\n  - server-endpoint: ${c}\n    utilization-endpoint: ${u}\n` +
      `dispatchers:\n  - server-endpoint: ${d}\n    configuration-endpoint: ${dc}\n` +
      `clients:\n  - server-endpoints: ${d}\n    inter-request-time: 0.05\n    max-requests: 5\n`,
  );
  const up = await run('soe', ['up', topology, '--exit-after-clients', '--log-dir', dir]);
  assert.equal(up.code, 0, up.stderr);
  const [, ...rest] = up.stdout.trimEnd().split('\n');
  assert.deepEqual(rest.slice(0, 3), [
    `  controller      ${ctl}`,
    `  computers[0]    ${c}, utilization stream on ${u}`,
    `  dispatchers[0]  ${d}, configuration on ${dc}`,
  ]);
  const lines = rest.slice(3);
  assert.equal(lines.length, 5, up.stdout);
  for (const l of lines) assert.match(l, new RegExp(`^\\S+ \\S+ \\d+ ${c} clambda0 2$`));
  assert.match(readFileSync(join(dir, 'dispatchers-0.log'), 'utf8'), new RegExp(`announced .* ${ctl}`));
});

test('soe up stops the parts it started when another cannot start', async () => {
  const [ctl, c, u, dc] = await Promise.all(Array.from({ length: 4 }, () => freeEndpoint('127.0.0.1')));
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const taken = `127.0.0.1:${(holder.address() as AddressInfo).port}`;
  const topology = join(dir, 'taken.yaml');
  writeFileSync(
    topology,
    `controller:\n  server-endpoint: ${ctl}\n  state-file: ''\n` +
      `computers:\n  - server-endpoint: ${c}\n    utilization-endpoint: ${u}\n` +
      `dispatchers:\n  - server-endpoint: ${taken}\n    configuration-endpoint: ${dc}\n`,
  );
  try {
    const up = await run('soe', ['up', topology, '--exit-after-clients', '--log-dir', dir]);
    assert.equal(up.code, 1);
    assert.match(up.stderr, new RegExp(`Could not bind to: ${taken}`));
    // The computer and the controller, which had started, were stopped: their ports are free again.
    for (const endpoint of [ctl!, c!, u!]) {
      const [host, port] = endpoint.split(':') as [string, string];
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(Number(port), host, resolve);
      });
      await new Promise((resolve) => probe.close(resolve));
    }
  } finally {
    holder.close();
  }
});
