import fs from 'node:fs';
import path from 'node:path';
import { endpointProblem } from '../protocol/endpoint-rules.js';
import type { ContainerInfo } from '../protocol/messages.js';
import { userStateDir } from '../support/user-state-dir.js';
import type { KnownComputer, RouterEndpoints } from './registry-entries.js';

/** What the controller saves to survive a restart: its registry of computers and routers. */
export interface ControllerState {
  /** Computers in end-point order. */
  computers: KnownComputer[];
  /** Routers, oldest announce first. */
  routers: RouterEndpoints[];
}

/** Name of the controller's state file in the user's state folder. */
export const STATE_FILE_NAME = 'edgecontroller-state.json';

/**
 * Where a controller keeps its state unless told otherwise: `edgecontroller-state.json` in the user's
 * state folder (`$XDG_STATE_HOME/soe/`, else `~/.local/state/soe/`), never the working directory.
 */
export function defaultStateFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userStateDir(env), STATE_FILE_NAME);
}

/** Marks the files this module writes (and checks on reading). */
const FORMAT = 'soe-edgecontroller-state';
const VERSION = 1;

/** A JSON value of unknown shape being checked. */
type Json = unknown;

function object(v: Json, where: string): Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${where} is not an object`);
  return v as Record<string, Json>;
}

function array(v: Json, where: string): Json[] {
  if (!Array.isArray(v)) throw new Error(`${where} is not an array`);
  return v;
}

function string(v: Json, where: string, allowEmpty = true): string {
  if (typeof v !== 'string') throw new Error(`${where} is not a string`);
  if (!allowEmpty && v === '') throw new Error(`${where} is empty`);
  return v;
}

function container(v: Json, where: string): ContainerInfo {
  const o = object(v, where);
  const numWorkers = o.numWorkers;
  if (typeof numWorkers !== 'number' || !Number.isInteger(numWorkers) || numWorkers < 0) {
    throw new Error(`${where}.numWorkers is not a non-negative integer`);
  }
  return {
    name: string(o.name, `${where}.name`),
    processor: string(o.processor, `${where}.processor`),
    lambda: string(o.lambda, `${where}.lambda`),
    numWorkers,
  };
}

/** Checks the shape of a parsed state file; throws naming the first bad item. */
function validate(v: Json): ControllerState {
  const o = object(v, 'the content');
  if (o.format !== FORMAT) throw new Error(`format is not '${FORMAT}'`);
  if (o.version !== VERSION) throw new Error(`unsupported version ${JSON.stringify(o.version)}`);
  const computers = array(o.computers, 'computers').map((c, i) => {
    const where = `computers[${i}]`;
    const co = object(c, where);
    const computer: KnownComputer = {
      endpoint: string(co.endpoint, `${where}.endpoint`, false),
      containers: array(co.containers, `${where}.containers`).map((k, j) =>
        container(k, `${where}.containers[${j}]`),
      ),
    };
    if (co.managementEndpoint !== undefined) {
      const management = string(co.managementEndpoint, `${where}.managementEndpoint`, false);
      const problem = endpointProblem(management);
      if (problem !== undefined) throw new Error(`${where}.managementEndpoint ${problem}`);
      computer.managementEndpoint = management;
    }
    return computer;
  });
  const routers = array(o.routers, 'routers').map((r, i) => {
    const ro = object(r, `routers[${i}]`);
    return {
      lambdaEndpoint: string(ro.lambdaEndpoint, `routers[${i}].lambdaEndpoint`, false),
      forwardingEndpoint: string(ro.forwardingEndpoint, `routers[${i}].forwardingEndpoint`, false),
    };
  });
  const seen = new Set<string>();
  for (const c of computers) {
    if (seen.has(c.endpoint)) throw new Error(`computer ${c.endpoint} is listed twice`);
    seen.add(c.endpoint);
  }
  return { computers, routers };
}

/**
 * The file where a controller keeps its state: JSON, replaced atomically on every save (written to a
 * temporary file in the same folder, flushed to disk, then renamed over the old one), so that a crash
 * leaves either the old or the new content, never a mix. One controller per file.
 */
export class ControllerStateFile {
  /**
   * @param path the file
   * @param options `createFolder`: create the file's folder on the first save (for the default file in
   *   the user's state folder); without it a missing folder is an error, as a mistyped path would be
   */
  constructor(
    readonly path: string,
    private readonly options: { createFolder?: boolean } = {},
  ) {}

  /**
   * Reads the saved state; undefined if the file does not exist (a first start). A file that cannot
   * be read or parsed fails with an error naming it.
   */
  load(): ControllerState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`Cannot read the controller state file '${this.path}': ${(err as Error).message}`, {
        cause: err,
      });
    }
    try {
      return validate(JSON.parse(text));
    } catch (err) {
      throw new Error(`Corrupt controller state file '${this.path}': ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /**
   * Replaces the saved state atomically (creating the file's folder first if the file was made with
   * `createFolder`); fails with an error naming the file.
   */
  save(state: ControllerState): void {
    const text = JSON.stringify({ format: FORMAT, version: VERSION, ...state }, null, 2) + '\n';
    const temporary = `${this.path}.tmp`;
    try {
      if (this.options.createFolder === true) fs.mkdirSync(path.dirname(this.path), { recursive: true });
      const fd = fs.openSync(temporary, 'w', 0o644);
      try {
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, this.path);
    } catch (err) {
      fs.rmSync(temporary, { force: true });
      throw new Error(`Cannot save the controller state to '${this.path}': ${(err as Error).message}`, {
        cause: err,
      });
    }
    syncFolder(path.dirname(this.path));
  }
}

/** Flushes a folder's entries (the rename) to disk where the platform allows it. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported everywhere (e.g. Windows); the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
