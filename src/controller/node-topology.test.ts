import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Random } from '../support/random.js';
import { InvalidNodeError, InvalidTopologyFileError, NodeTopology } from './node-topology.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-topology-'));
const FILE = join(dir, 'dist.txt');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the test file and loads it. */
function loadText(text: string): NodeTopology {
  writeFileSync(FILE, text);
  return NodeTopology.load(FILE);
}

const INVALID = {
  name: 'InvalidTopologyFileError',
  message: `Invalid or non-existing topology file '${FILE}'`,
};

describe('topology of distances (spec §6.4, Test/testtopology.cpp)', () => {
  test('test_valid', () => {
    const topology = loadText(
      '# example file\n' +
        '10.0.0.1 1  2  3  4\n' +
        '10.0.0.2 5  6  7  8\n' +
        '10.0.0.3 9  10 11 12\n' +
        '10.0.0.4 13 14 15 16\n',
    );
    assert.equal(topology.numNodes, 4);
    const addresses = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
    const all = addresses.flatMap((src) => addresses.map((dst) => topology.distance(src, dst)));
    assert.deepEqual(all, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  test('test_invalid', () => {
    // File not existing.
    assert.throws(() => NodeTopology.load(join(dir, 'notexistingfile')), {
      name: 'InvalidTopologyFileError',
      message: `Invalid or non-existing topology file '${join(dir, 'notexistingfile')}'`,
    });
    // Empty file; blank lines only; comments and blank lines only.
    assert.throws(() => loadText(''), INVALID);
    assert.throws(() => loadText('\n\n\n'), INVALID);
    assert.throws(() => loadText('# this is a comment\n\n# another comment\n\n'), INVALID);
    // Wrong number of rows vs columns.
    assert.throws(() => loadText('mickey 1 2 3\ngoofy 0 0 0\n'), INVALID);
    assert.throws(() => loadText('mickey 1\ngoofy 0\n'), INVALID);
    // Repeated names.
    assert.throws(() => loadText('mickey 1 2\ngoofy 0 1\nmickey 0 1\n'), INVALID);
    assert.throws(() => loadText('mickey 1 2 3\ngoofy 0 1 2\nmickey 0 1 2\n'), INVALID);

    // A valid file, accessed with unknown nodes.
    const topology = loadText('10.0.0.1 1\n');
    assert.equal(topology.numNodes, 1);
    const invalidNode = { name: 'InvalidNodeError', message: "Invalid or unknown node 'notexistingnode'" };
    assert.throws(() => topology.distance('10.0.0.1', 'notexistingnode'), invalidNode);
    assert.throws(() => topology.distance('notexistingnode', '10.0.0.1'), invalidNode);
    assert.throws(() => topology.distance('notexistingnode', 'notexistingnode'), invalidNode);
    assert.equal(topology.distance('10.0.0.1', '10.0.0.1'), 1);
  });
});

describe('topology of distances, beyond the original tests', () => {
  test('rows of different lengths, a missing row, a name without distances, a non-number are invalid', () => {
    assert.throws(() => loadText('a 0 1\nb 1\n'), INVALID);
    assert.throws(() => loadText('a 0 1 2\nb 1 0 2\n'), INVALID);
    assert.throws(() => loadText('a\n'), INVALID);
    assert.throws(() => loadText('a 0 x\nb 1 0\n'), INVALID);
    assert.throws(() => loadText('a 0 nan\nb 1 0\n'), INVALID);
    assert.ok(new InvalidTopologyFileError('f') instanceof Error);
    assert.ok(new InvalidNodeError('n') instanceof Error);
  });

  test('blank lines, CRLF line ends, tabs, no final newline and decimals are fine', () => {
    const topology = loadText('\r\n# nodes\r\na\t0 1.5e0\r\n   \r\nb .5 0');
    assert.equal(topology.numNodes, 2);
    assert.equal(topology.distance('a', 'b'), 1.5);
    assert.equal(topology.distance('b', 'a'), 0.5);
    assert.equal(topology.toString(), 'a 0 1.5\nb 0.5 0\n');
  });

  test('randomize: off-diagonal distances in [0, 1) from the generator, diagonal kept', () => {
    const text = 'a 7 9 9\nb 9 7 9\nc 9 9 7\n';
    const one = NodeTopology.parse(text, 'inline');
    const two = NodeTopology.parse(text, 'inline');
    one.randomize(new Random(7));
    two.randomize(new Random(7));
    for (const src of ['a', 'b', 'c']) {
      for (const dst of ['a', 'b', 'c']) {
        const d = one.distance(src, dst);
        assert.equal(d, two.distance(src, dst));
        if (src === dst) assert.equal(d, 7);
        else assert.ok(d >= 0 && d < 1, `${src}→${dst}: ${d}`);
      }
    }
  });
});
