import { readFileSync } from 'node:fs';
import { formatG } from '../support/number-format.js';
import type { Random } from '../support/random.js';

/** A topology file that cannot be read or is malformed (spec §6.4). */
export class InvalidTopologyFileError extends Error {
  constructor(readonly path: string) {
    super(`Invalid or non-existing topology file '${path}'`);
    this.name = 'InvalidTopologyFileError';
  }
}

/** A node name that is not in the topology (spec §6.4). */
export class InvalidNodeError extends Error {
  constructor(readonly node: string) {
    super(`Invalid or unknown node '${node}'`);
    this.name = 'InvalidNodeError';
  }
}

/** A decimal number as a distance may be written (no `nan`, `inf` or hexadecimal). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The distances between the nodes of the network, as the hierarchical installer reads them from its
 * topology file (`--topology-file`, spec §6.4): one line per node, `<name> d_1 … d_N`, the name being
 * the address (host part of the end-points) of the node and the numbers its row of the N×N distance
 * matrix, in file order. Blank lines and lines starting with `#` are ignored. A file that cannot be
 * read, holds no node, has rows of different lengths, a number of rows other than the number of
 * columns, a value that is not a number, or a name twice is an {@link InvalidTopologyFileError}.
 */
export class NodeTopology {
  private constructor(
    private readonly names: readonly string[],
    private readonly index: ReadonlyMap<string, number>,
    private readonly distances: number[],
  ) {}

  /** Reads a topology file. */
  static load(path: string): NodeTopology {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new InvalidTopologyFileError(path);
    }
    return NodeTopology.parse(text, path);
  }

  /** Parses the text of a topology file; `path` names it in errors. */
  static parse(text: string, path: string): NodeTopology {
    const names: string[] = [];
    const index = new Map<string, number>();
    const distances: number[] = [];
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '' || line.startsWith('#')) continue;
      const [name = '', ...values] = line.trim().split(/\s+/);
      const columns = names.length === 0 ? values.length : distances.length / names.length;
      const valid =
        !index.has(name) &&
        values.length > 0 &&
        values.length === columns &&
        names.length < columns &&
        values.every((v) => NUMBER.test(v));
      if (!valid) throw new InvalidTopologyFileError(path);
      index.set(name, names.length);
      names.push(name);
      distances.push(...values.map(Number));
    }
    if (names.length === 0 || names.length * names.length !== distances.length) {
      throw new InvalidTopologyFileError(path);
    }
    return new NodeTopology(names, index, distances);
  }

  /** The number of nodes (N). */
  get numNodes(): number {
    return this.names.length;
  }

  /** True if the topology has a node of this name. */
  has(node: string): boolean {
    return this.index.has(node);
  }

  /** The distance from `src` to `dst` (row `src`, column `dst`); unknown nodes are an {@link InvalidNodeError}. */
  distance(src: string, dst: string): number {
    const i = this.index.get(src);
    if (i === undefined) throw new InvalidNodeError(src);
    const j = this.index.get(dst);
    if (j === undefined) throw new InvalidNodeError(dst);
    return this.distances[i * this.names.length + j]!;
  }

  /** Replaces every distance between two different nodes with a uniform draw in [0, 1) (`--topology-randomized`). */
  randomize(random: Random): void {
    const n = this.names.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i !== j) this.distances[i * n + j] = random.uniform();
      }
    }
  }

  /** The matrix as the original prints it: `<name> d_1 … d_N` per node, in file order. */
  toString(): string {
    const n = this.names.length;
    return this.names
      .map((name, i) => {
        const row = this.distances.slice(i * n, (i + 1) * n).map((d) => formatG(d));
        return `${name} ${row.join(' ')}\n`;
      })
      .join('');
  }
}
