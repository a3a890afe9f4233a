import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { run, start } from './support/processes.js';
import { withFreePorts } from './support/topology-ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FACES = join(ROOT, 'data/faces/');
const dir = mkdtempSync(join(tmpdir(), 'soe-facerec-up-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Waits until the router's table of `lambda` lists every destination (polling its configuration end-point). */
async function routesOf(configuration: string, lambda: string, destinations: string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const dump = await run('forwardingtableclient', ['--server-endpoint', configuration]);
    let current = '';
    const rows: string[] = [];
    for (const line of dump.stdout.split('\n')) {
      if (/^\S/.test(line)) current = line.split(' ')[0]!;
      if (current === lambda) rows.push(line);
    }
    if (destinations.every((d) => rows.some((row) => row.includes(d)))) return;
    assert.ok(attempt < 200, `no route of ${lambda} to ${destinations.join(', ')}:\n${dump.stdout}`);
  }
}

test('soe up topologies/facerec.yaml: facerecclient gets the faces of real photos through its router', async () => {
  const ports = new Map<string, string>();
  const topology = await withFreePorts(
    parse(readFileSync(join(ROOT, 'topologies/facerec.yaml'), 'utf8')),
    ports,
  );
  const file = join(dir, 'facerec.yaml');
  writeFileSync(file, stringify(topology));
  const up = start('soe', ['up', file, '--log-dir', dir]);
  try {
    await up.waitFor(/Press Ctrl-C to stop/, 120_000);
    const computers = [ports.get('127.0.0.1:10000')!, ports.get('127.0.0.1:10001')!];
    await routesOf(ports.get('127.0.0.1:6474')!, 'facerec0', computers);

    const expected = JSON.parse(readFileSync(join(FACES, 'expected-haar.json'), 'utf8')) as {
      images: Record<string, Record<string, unknown[]>>;
    };
    const images = ['kpa_bar55.jpg', 'astronaut.jpg'];
    const faces = new Set(images.map((i) => expected.images[i]!['facerec0_scale1']!.length));
    const client = await run('facerecclient', [
      '--server-endpoint',
      ports.get('127.0.0.1:6473')!,
      '--image',
      images.map((i) => join(FACES, i)).join(','),
      '--eyes',
      '--loop',
      '--max-requests',
      '10',
      '--seed',
      '3',
    ]);
    assert.equal(client.code, 0, client.stderr);
    const lines = client.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 10, client.stdout);
    const seen = new Set<number>();
    for (const line of lines) {
      const m = /^elapsed \d+(\.\d+)? ms, load \d+, detected (\d+) faces and (\d+) eyes$/.exec(line);
      assert.ok(m !== null, line);
      assert.ok(faces.has(Number(m[2])), line);
      seen.add(Number(m[2]));
    }
    assert.equal(seen.size, 2, 'both photos were drawn');
  } finally {
    const stopped = await up.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
  }
});
