// The OpenWhisk action proxy's logic (`/init`, `/run`), run inside a container process: imports only
// Node's built-in modules, as the container may read nothing but its own folder.
import { createRequire } from 'node:module';

/** An answer of the action proxy: the HTTP status OpenWhisk's Node runtime gives and a JSON object body. */
export interface ProxyAnswer {
  status: number;
  /** The body, JSON text of an object. */
  body: string;
  /** Of a `/run` over IPC: the lines the action printed meanwhile (see activation-log.ts). */
  logs?: string[];
}

type Main = (params: Record<string, unknown>) => unknown;

/** Keys of a `/run` body besides `value`, exported as `__OW_<KEY>` environment values (OpenWhisk's). */
const ACTIVATION_KEYS = [
  'api_key',
  'namespace',
  'action_name',
  'activation_id',
  'deadline',
  'transaction_id',
];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function answer(status: number, body: unknown): ProxyAnswer {
  return { status, body: JSON.stringify(body) };
}

/** Longest error text a failure carries (it becomes a retcode); longer ones are cut, `...` marking the cut. */
const MAX_ERROR_CHARS = 2000;

function failure(status: number, error: string): ProxyAnswer {
  const text = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}...` : error;
  return answer(status, { error: text });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** An error as OpenWhisk's runtime reports a rejected activation: its name, message and stack. */
function serializeError(error: unknown): unknown {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return error === undefined || error === null ? {} : error;
}

/** An error for a message (`Error: boom`), its stack to the container's log as OpenWhisk's runtime does. */
function describe(error: unknown): string {
  console.error(error instanceof Error ? (error.stack ?? String(error)) : error);
  return String(error);
}

/** The function `main` names in CommonJS or plain-script code: a global `main`, `exports.main`, `module.exports`. */
function loadScript(code: string, main: string): Main | undefined {
  const module = { exports: {} as Record<string, unknown> | Main };
  const require = createRequire(import.meta.url);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the action's code is the point
  const body = new Function(
    'exports',
    'require',
    'module',
    '__filename',
    '__dirname',
    `${code}\n;return typeof ${main} === 'function' ? ${main} : undefined;`,
  ) as (...args: unknown[]) => unknown;
  const named = body(module.exports, require, module, 'action.js', '.');
  if (typeof named === 'function') return named as Main;
  const exported = module.exports;
  if (typeof exported === 'function') return main === 'main' ? exported : undefined;
  const member = exported[main];
  return typeof member === 'function' ? (member as Main) : undefined;
}

/** The function `main` names in an ES module: its export of that name, or its default export for `main`. */
async function loadModule(code: string, main: string): Promise<Main | undefined> {
  const url = `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
  const mod = (await import(url)) as Record<string, unknown>;
  const named = mod[main];
  if (typeof named === 'function') return named as Main;
  return main === 'main' && typeof mod.default === 'function' ? (mod.default as Main) : undefined;
}

/** True if the code has a top-level `import` or `export` statement (an ES module). */
function looksLikeModule(code: string): boolean {
  return /^\s*(import\s*[\w{*'"]|export\s)/m.test(code);
}

/**
 * One action container's runtime, as OpenWhisk's Node runtime: `/init` once with the code (CommonJS or
 * plain script with `main`, `exports.main` or `module.exports`, or an ES module with `export function
 * main` or `export default`), then `/run` with the parameters, one activation at a time. A result over
 * `outputLimit` bytes of JSON is refused as OpenWhisk refuses it.
 */
export class ActionRuntime {
  private main: Main | undefined;
  private initialized = false;

  constructor(private readonly outputLimit: number) {}

  /** `/init` with `{value: {name, main, code, binary, env}}`. */
  async init(body: unknown): Promise<ProxyAnswer> {
    if (this.initialized) return failure(403, 'Cannot initialize the action more than once.');
    const value = isObject(body) ? body.value : undefined;
    if (!isObject(value) || typeof value.code !== 'string' || value.code === '')
      return failure(500, 'Missing main/no code to execute.');
    const main = value.main === undefined || value.main === '' ? 'main' : value.main;
    if (typeof main !== 'string' || !IDENTIFIER.test(main))
      return failure(502, `Initialization has failed due to: invalid main ${JSON.stringify(main)}`);
    if (value.binary === true)
      return failure(502, 'Initialization has failed due to: binary (zip) actions are not supported');
    this.initialized = true;
    if (isObject(value.env)) {
      for (const [k, v] of Object.entries(value.env)) if (typeof v === 'string') process.env[k] = v;
    }
    try {
      this.main = await this.load(value.code, main);
    } catch (err) {
      return failure(502, `Initialization has failed due to: ${describe(err)}`);
    }
    if (this.main === undefined)
      return failure(502, `Initialization has failed due to: Action entrypoint '${main}' is not a function.`);
    return answer(200, { ok: true });
  }

  /** `/run` with `{value: params, activation_id, action_name, deadline, namespace, ...}`. */
  async run(body: unknown): Promise<ProxyAnswer> {
    if (this.main === undefined) return failure(500, 'Internal system error: the action is not initialized.');
    const msg = isObject(body) ? body : {};
    for (const key of ACTIVATION_KEYS) {
      const v = msg[key];
      if (typeof v === 'string' || typeof v === 'number')
        process.env[`__OW_${key.toUpperCase()}`] = String(v);
      else delete process.env[`__OW_${key.toUpperCase()}`];
    }
    const params = isObject(msg.value) ? msg.value : {};
    let pending: unknown;
    try {
      pending = this.main(params);
    } catch (err) {
      return failure(502, `An error has occurred: ${describe(err)}`);
    }
    let result: unknown;
    try {
      result = await pending;
    } catch (err) {
      result = { error: serializeError(err) };
    }
    if (result === undefined) result = {};
    if (typeof result !== 'object' || result === null)
      return failure(502, 'The action did not return a dictionary.');
    let text: string;
    try {
      text = JSON.stringify(result);
    } catch (err) {
      return failure(502, `The action did not return a JSON dictionary: ${(err as Error).message}`);
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > this.outputLimit) {
      return failure(
        502,
        `The action produced a response that exceeded the allowed length: ${bytes} > ${this.outputLimit} bytes.`,
      );
    }
    return { status: 200, body: text };
  }

  private async load(code: string, main: string): Promise<Main | undefined> {
    if (looksLikeModule(code)) return loadModule(code, main);
    try {
      return loadScript(code, main);
    } catch (err) {
      if (err instanceof SyntaxError && /\b(import|export)\b/.test(code)) return loadModule(code, main);
      throw err;
    }
  }
}
