import fs from 'node:fs';
import { checkHttpUrl } from './http-conf.js';
import type { FunctionBody, FunctionResult, HttpFunctionApi } from './http-function-api.js';

/** Most characters of an error body quoted in a retcode. */
const QUOTED_BODY_CHARS = 200;

/** Largest functions file read, bytes. */
const MAX_FUNCTIONS_FILE_BYTES = 1024 * 1024;

/** Why `text` is not a JSON text, or undefined if it is. */
function notJson(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The start of an error body, on one line. */
function quote(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > QUOTED_BODY_CHARS ? `${line.slice(0, QUOTED_BODY_CHARS)}…` : line;
}

/**
 * Reads a functions file: a JSON object mapping each function name to the absolute http(s) URL that runs
 * it. Fails with `Invalid functions file '<path>': <why>`.
 */
export function readFunctionsFile(path: string): Map<string, URL> {
  const fail = (why: string): Error => new Error(`Invalid functions file '${path}': ${why}`);
  let text: string;
  try {
    if (fs.statSync(path).size > MAX_FUNCTIONS_FILE_BYTES)
      throw fail(`larger than ${MAX_FUNCTIONS_FILE_BYTES} bytes`);
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as Error).message.startsWith('Invalid functions file')) throw err;
    throw fail((err as Error).message);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw fail((err as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail('expected an object {"<function name>": "<URL>", …}');
  const map = new Map<string, URL>();
  for (const [name, url] of Object.entries(value as Record<string, unknown>)) {
    if (typeof url !== 'string') throw fail(`the URL of '${name}' is not a string`);
    try {
      map.set(name, checkHttpUrl(url, `URL of '${name}'`));
    } catch (err) {
      throw fail((err as Error).message);
    }
  }
  return map;
}

/**
 * Any HTTP function endpoint, one URL per function (Knative services, OpenWhisk web actions, a function
 * behind any web server): the functions file's URL for the name if it has one, else the URL template with
 * `{name}` replaced by the URL-encoded name. The input must be a JSON text and is POSTed as
 * `application/json`; a 2xx answer gives `OK` and its body, which must be JSON (or empty), as output; any
 * other status `error HTTP response received (<status>): <start of the body>`.
 */
export class GenericApi implements HttpFunctionApi {
  constructor(
    private readonly urlTemplate: string,
    private readonly functions: ReadonlyMap<string, URL>,
  ) {}

  /** The names of the functions file, in its order. */
  names(): string[] {
    return [...this.functions.keys()];
  }

  target(name: string): URL | string {
    const url = this.functions.get(name);
    if (url !== undefined) return url;
    if (this.urlTemplate === '') return `unknown function: ${name}`;
    return new URL(this.urlTemplate.replaceAll('{name}', encodeURIComponent(name)));
  }

  body(input: string): FunctionBody | string {
    const why = notJson(input);
    if (why !== undefined) return `invalid input: not JSON (${why})`;
    return { body: input, contentType: 'application/json' };
  }

  result(status: number, body: string): FunctionResult {
    if (status < 200 || status > 299) {
      const quoted = quote(body);
      return {
        retcode: `error HTTP response received (${status})${quoted === '' ? '' : `: ${quoted}`}`,
        output: '',
      };
    }
    const why = body === '' ? undefined : notJson(body);
    if (why !== undefined) return { retcode: `invalid response: body is not JSON (${why})`, output: '' };
    return { retcode: 'OK', output: body };
  }
}
