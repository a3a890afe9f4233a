import type { JsConf } from './js-conf.js';

/** A deployed JavaScript function: its code and how it runs. */
export interface JsFunction {
  /** The lambda name. */
  name: string;
  /** The source, as OpenWhisk's `/init` takes it. */
  code: string;
  /** The entry point's name (default `main`). */
  main: string;
  /** Longest activation, ms. */
  timeoutMs: number;
  /** Memory of each container, MB. */
  memoryMb: number;
  /** Containers (activations at once). */
  containers: number;
  /** Default parameters, under the call's own (OpenWhisk's bound parameters). */
  parameters: Record<string, unknown>;
}

/** A function name as OpenWhisk allows it: a letter, digit or `_` first, then also `@ . -`, at most 256. */
const NAME = /^[A-Za-z0-9_][\w@.-]{0,255}$/;

/** Fails unless `name` is a valid function name. */
export function checkFunctionName(name: string): void {
  if (!NAME.test(name))
    throw new Error(`invalid function name ${JSON.stringify(name)}: letters, digits, _ @ . - (at most 256)`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkKeys(obj: Record<string, unknown>, known: string[], where: string): void {
  for (const key of Object.keys(obj))
    if (!known.includes(key)) throw new Error(`${where}: unknown key ${key} (known: ${known.join(', ')})`);
}

function integer(x: unknown, min: number, where: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min)
    throw new Error(`${where}: expected an integer >= ${min}, found ${JSON.stringify(x)}`);
  return x;
}

/**
 * A function from its code and its optional description (`NAME.json`, or the body of a management call),
 * OpenWhisk's action fields: `limits` (`timeout` ms, `memory` MB; `logs` accepted and ignored;
 * `concurrency` only 1, one activation at a time per container), `parameters` (`[{key, value}]`), `main`,
 * `annotations` (ignored), and ours: `containers`. Missing values come from `--js-conf`; a bad field fails
 * naming it, prefixed by `where`.
 */
export function functionSpec(
  name: string,
  code: string,
  description: unknown,
  conf: JsConf,
  where: string,
): JsFunction {
  checkFunctionName(name);
  const fn: JsFunction = {
    name,
    code,
    main: 'main',
    timeoutMs: conf.timeoutMs,
    memoryMb: conf.memoryMb,
    containers: conf.containers,
    parameters: {},
  };
  if (description === undefined) return fn;
  if (!isObject(description)) throw new Error(`${where}: expected a JSON object`);
  checkKeys(description, ['limits', 'parameters', 'main', 'annotations', 'containers'], where);
  const { limits, parameters, main, containers } = description;
  if (limits !== undefined) {
    if (!isObject(limits)) throw new Error(`${where}: limits: expected an object`);
    checkKeys(limits, ['timeout', 'memory', 'logs', 'concurrency'], `${where}: limits`);
    if (limits.timeout !== undefined) fn.timeoutMs = integer(limits.timeout, 1, `${where}: limits.timeout`);
    if (limits.memory !== undefined) fn.memoryMb = integer(limits.memory, 64, `${where}: limits.memory`);
    if (limits.concurrency !== undefined && limits.concurrency !== 1)
      throw new Error(`${where}: limits.concurrency: only 1 (one activation at a time per container)`);
  }
  if (containers !== undefined) fn.containers = integer(containers, 1, `${where}: containers`);
  if (main !== undefined) {
    if (typeof main !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(main))
      throw new Error(`${where}: main: expected a JavaScript identifier, found ${JSON.stringify(main)}`);
    fn.main = main;
  }
  if (parameters !== undefined) {
    if (!Array.isArray(parameters))
      throw new Error(`${where}: parameters: expected an array of {key, value}`);
    for (const [i, p] of parameters.entries()) {
      if (!isObject(p) || typeof p.key !== 'string' || !('value' in p))
        throw new Error(`${where}: parameters[${i}]: expected {"key": <string>, "value": <any>}`);
      fn.parameters[p.key] = p.value;
    }
  }
  return fn;
}
