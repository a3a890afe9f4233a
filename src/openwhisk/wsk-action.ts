import { WSK_TEXTS, WskHttpError } from './wsk-errors.js';

/** A `{key, value}` pair: OpenWhisk's form of parameters and annotations. */
export interface KeyValue {
  key: string;
  value: unknown;
}

/** What an action runs: Node.js code or a sequence of other actions. */
export type ActionExec =
  { kind: string; code: string; main?: string; binary: false } | { kind: 'sequence'; components: string[] };

/** OpenWhisk's action limits. */
export interface ActionLimits {
  timeout: number;
  memory: number;
  logs: number;
  concurrency: number;
}

/** The limits of an action that sets none (OpenWhisk's defaults). */
export const DEFAULT_LIMITS: ActionLimits = { timeout: 60_000, memory: 256, logs: 10, concurrency: 1 };

/** An action as wskproxy keeps it and OpenWhisk shows it. */
export interface WskActionEntity {
  /** `ns` or `ns/pkg`. */
  namespace: string;
  name: string;
  version: string;
  publish: boolean;
  exec: ActionExec;
  annotations: KeyValue[];
  parameters: KeyValue[];
  limits: ActionLimits;
  updated: number;
}

/** Where an action is: namespace, optional package, name. */
export interface ActionPath {
  namespace: string;
  pkg: string | undefined;
  name: string;
}

/** An entity name as this proxy takes it (also a function name of the js computers once joined). */
const ENTITY = /^[A-Za-z0-9_][\w@.-]{0,255}$/;

function malformed(detail: string): WskHttpError {
  return new WskHttpError(400, `${WSK_TEXTS.malformed}\n${detail}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Fails (400 naming it) unless `name` is an entity name of `what`. */
export function checkEntityName(name: string, what: string): void {
  if (!ENTITY.test(name))
    throw new WskHttpError(
      400,
      `The ${what} name is not valid: ${JSON.stringify(name)} (letters, digits, _ @ . -).`,
    );
}

/** The `ns/pkg/name` form of a path, as the `path` annotation of an activation. */
export function fullName(p: ActionPath): string {
  return [p.namespace, p.pkg, p.name].filter((x) => x !== undefined).join('/');
}

/**
 * The path of a sequence component: `/ns/name` or `/ns/pkg/name` (`_` is `callerNamespace`), or a name
 * relative to the caller's namespace (`name`, `pkg/name`).
 */
export function componentPath(component: string, callerNamespace: string): ActionPath {
  const parts = component.split('/');
  const absolute = component.startsWith('/');
  const rest = absolute ? parts.slice(1) : [callerNamespace, ...parts];
  if (rest.length < 2 || rest.length > 3 || rest.some((p) => p === ''))
    throw malformed(`invalid sequence component ${JSON.stringify(component)}`);
  const namespace = rest[0] === '_' ? callerNamespace : rest[0]!;
  return rest.length === 2
    ? { namespace, pkg: undefined, name: rest[1]! }
    : { namespace, pkg: rest[1], name: rest[2]! };
}

function keyValues(x: unknown, field: string): KeyValue[] {
  if (x === undefined) return [];
  if (!Array.isArray(x)) throw malformed(`${field}: expected an array of {"key", "value"}`);
  return x.map((p: unknown, i) => {
    if (!isObject(p) || typeof p.key !== 'string' || !('value' in p))
      throw malformed(`${field}[${i}]: expected {"key": <string>, "value": <any>}`);
    return { key: p.key, value: p.value };
  });
}

function limits(x: unknown, old: ActionLimits): ActionLimits {
  if (x === undefined) return old;
  if (!isObject(x)) throw malformed('limits: expected an object');
  const out = { ...old };
  for (const [k, v] of Object.entries(x)) {
    if (!(k in DEFAULT_LIMITS)) throw malformed(`limits: unknown key ${k}`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
      throw malformed(`limits.${k}: expected a positive integer`);
    out[k as keyof ActionLimits] = v;
  }
  return out;
}

function nextVersion(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m === null ? '0.0.1' : `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

/**
 * The action a PUT body (OpenWhisk's WhiskActionPut) makes at `path`, updating `old` if given: `exec` of a
 * `nodejs:*` kind with its `code` (not binary), or `sequence` with its `components`; `parameters`,
 * `annotations`, `limits`, `publish`. A bad field is a 400 `The request content was malformed:` naming it;
 * another kind is a 400 saying which kinds this proxy runs.
 */
export function actionFromPut(body: unknown, path: ActionPath, old?: WskActionEntity): WskActionEntity {
  if (!isObject(body)) throw malformed('expected a JSON object');
  const { exec } = body;
  let newExec: ActionExec;
  if (exec === undefined) {
    if (old === undefined) throw malformed('exec: missing (the code of the action)');
    newExec = old.exec;
  } else {
    if (!isObject(exec)) throw malformed('exec: expected an object');
    if (typeof exec.kind !== 'string') throw malformed('exec.kind: expected a string');
    if (exec.kind === 'sequence') {
      const { components } = exec;
      if (
        !Array.isArray(components) ||
        components.length === 0 ||
        components.some((c) => typeof c !== 'string')
      )
        throw malformed('exec.components: expected a non-empty array of action names');
      newExec = { kind: 'sequence', components: components as string[] };
    } else if (/^nodejs(:[\w.-]+)?$/.test(exec.kind)) {
      if (exec.binary === true) throw malformed('exec.binary: zip actions are not supported');
      if (typeof exec.code !== 'string' || exec.code.trim() === '')
        throw malformed('exec.code: expected the source');
      if (exec.main !== undefined && typeof exec.main !== 'string')
        throw malformed('exec.main: expected a string');
      newExec = { kind: exec.kind, code: exec.code, binary: false };
      if (typeof exec.main === 'string' && exec.main !== '') newExec.main = exec.main;
    } else {
      throw new WskHttpError(
        400,
        `kind '${exec.kind}' is not supported by this deployment (supported: nodejs:*, sequence)`,
      );
    }
  }
  if (body.publish !== undefined && typeof body.publish !== 'boolean')
    throw malformed('publish: expected a boolean');
  return {
    namespace: path.pkg === undefined ? path.namespace : `${path.namespace}/${path.pkg}`,
    name: path.name,
    version: old === undefined ? '0.0.1' : nextVersion(old.version),
    publish: body.publish ?? old?.publish ?? false,
    exec: newExec,
    annotations:
      body.annotations === undefined ? (old?.annotations ?? []) : keyValues(body.annotations, 'annotations'),
    parameters:
      body.parameters === undefined ? (old?.parameters ?? []) : keyValues(body.parameters, 'parameters'),
    limits: limits(body.limits, old?.limits ?? DEFAULT_LIMITS),
    updated: Date.now(),
  };
}

/** An action as OpenWhisk shows it (`code: false`: without its code, as `?code=false` and lists). */
export function showAction(a: WskActionEntity, code = true): Record<string, unknown> {
  const exec = a.exec.kind === 'sequence' || code ? a.exec : { kind: a.exec.kind, binary: false };
  const kindAnnotation = { key: 'exec', value: a.exec.kind === 'sequence' ? 'sequence' : 'nodejs' };
  return { ...a, exec, annotations: [...a.annotations, kindAnnotation] };
}
