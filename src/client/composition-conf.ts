import { readFileSync, writeFileSync } from 'node:fs';
import { Chain } from '../protocol/chain.js';
import { Dag } from '../protocol/dag.js';
import { parseJsonObject } from '../protocol/json-object.js';
import { allStates } from '../protocol/state-dependencies.js';
import { Conf } from '../support/conf.js';

/** Largest state size a chain or DAG file may ask the client to create, bytes. */
export const MAX_STATE_SIZE = 256 * 1024 * 1024;

/** File written by `--chain-conf type=make-template`, as the original names it. */
export const CHAIN_TEMPLATE_FILE = 'chain-example.json';

/** File written by `--dag-conf type=make-template`, as the original names it. */
export const DAG_TEMPLATE_FILE = 'dag-example.json';

/** The original's chain template, byte for byte: f1,f2,f1 with states s0..s3. */
export const CHAIN_TEMPLATE = `{
  "functions" : [ "f1", "f2", "f1" ],
  "dependencies" :
    {
    "s0" : [ "f1" ],
    "s1" : [ "f1", "f2" ],
    "s2" : [ "f2" ],
    "s3" : null
    },
  "state-sizes" :
    {
    "s0" : 10000,
    "s1" : 20000,
    "s2" : 30000,
    "s3" : 40000
    }
}
`;

/** The original's DAG template, byte for byte: successors {{1,2},{3},{3}}, functions f0,f1,f2,f2. */
export const DAG_TEMPLATE = `{
  "successors" : [ [1, 2], [3], [3] ],
  "functionNames" : [ "f0", "f1", "f2", "f2" ],
  "dependencies" :
    {
    "s0" : [ "f0" ],
    "s1" : [ "f0", "f1" ],
    "s2" : [ "f2" ],
    "s3" : null
    },
  "state-sizes" :
    {
    "s0" : 10000,
    "s1" : 20000,
    "s2" : 30000,
    "s3" : 40000
    }
}
`;

/** A chain or DAG to run, with the size in bytes of each state the client creates. */
export type Composition =
  | { kind: 'chain'; chain: Chain; stateSizes: Map<string, number> }
  | { kind: 'dag'; dag: Dag; stateSizes: Map<string, number> };

/** The name of a composition (`f1-f2-f1`): what the client reports on each line. */
export function compositionName(c: Composition): string {
  return c.kind === 'chain' ? c.chain.name() : c.dag.name();
}

/** The `state-sizes` member of a chain or DAG file: state → non-negative integer bytes (absent: none). */
export function stateSizesFromJson(value: unknown): Map<string, number> {
  const sizes = new Map<string, number>();
  if (value === undefined || value === null) return sizes;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error("Invalid 'state-sizes': not an object");
  for (const [s, size] of Object.entries(value as Record<string, unknown>)) {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_STATE_SIZE) {
      throw new Error(
        `Invalid size of state '${s}': ${JSON.stringify(size)} (an integer in 0..${MAX_STATE_SIZE})`,
      );
    }
    sizes.set(s, size);
  }
  return sizes;
}

/**
 * Reads `--chain-conf` (`kind` chain) or `--dag-conf` (`kind` dag), as the original's factories:
 * `type=make-template` writes the template file in the current directory and gives undefined (the
 * client then exits); `type=file,filename=F` reads F. Errors: `No 'type' field found in <kind>
 * configuration`, `No 'filename' field found in <kind> configuration`, `Invalid 'type' field found in
 * <kind> configuration`, and those of the file's content.
 */
export function compositionFromConf(kind: 'chain' | 'dag', text: string): Composition | undefined {
  const conf = Conf.parse(text);
  const type = conf.getOr('type', '');
  if (type === '') throw new Error(`No 'type' field found in ${kind} configuration`);
  if (type === 'make-template') {
    writeFileSync(
      kind === 'chain' ? CHAIN_TEMPLATE_FILE : DAG_TEMPLATE_FILE,
      kind === 'chain' ? CHAIN_TEMPLATE : DAG_TEMPLATE,
    );
    return undefined;
  }
  if (type !== 'file') throw new Error(`Invalid 'type' field found in ${kind} configuration`);
  const filename = conf.getOr('filename', '');
  if (filename === '') throw new Error(`No 'filename' field found in ${kind} configuration`);
  return compositionFromText(kind, readFileSync(filename, 'utf8'));
}

/**
 * A chain or DAG from the text of its JSON file with its `state-sizes`; every state a function needs must
 * have a size (`state '<s>' has no size in 'state-sizes'`).
 */
export function compositionFromText(kind: 'chain' | 'dag', text: string): Composition {
  const stateSizes = stateSizesFromJson(
    parseJsonObject(text, kind === 'chain' ? 'a chain' : 'a DAG')['state-sizes'],
  );
  const c: Composition =
    kind === 'chain'
      ? { kind, chain: Chain.fromJson(text), stateSizes }
      : { kind, dag: Dag.fromJson(text), stateSizes };
  for (const s of allStates(c.kind === 'chain' ? c.chain.dependencies : c.dag.dependencies, false)) {
    if (!stateSizes.has(s)) throw new Error(`state '${s}' has no size in 'state-sizes'`);
  }
  return c;
}
