import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionSpec, type JsFunction } from './function-spec.js';
import type { JsConf } from './js-conf.js';

/** Largest function source or description read from a folder, bytes (OpenWhisk's action size limit). */
export const MAX_CODE_BYTES = 48 * 1024 * 1024;

function readBounded(path: string): string {
  const text = readFileSync(path);
  if (text.length > MAX_CODE_BYTES) throw new Error(`${path}: larger than ${MAX_CODE_BYTES} bytes`);
  return text.toString('utf8');
}

/**
 * The functions of a folder: every `NAME.js` (its lambda is NAME), with the OpenWhisk description in
 * `NAME.json` beside it if there is one, sorted by name. Fails naming the file that is wrong.
 */
export function loadFunctionFolder(dir: string, conf: JsConf): JsFunction[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.js'));
  } catch (err) {
    throw new Error(`cannot read the functions folder ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const files = new Set(readdirSync(dir));
  return names.sort().map((file) => {
    const name = file.slice(0, -'.js'.length);
    const code = readBounded(join(dir, file));
    const jsonPath = join(dir, `${name}.json`);
    let description: unknown;
    if (files.has(`${name}.json`)) {
      try {
        description = JSON.parse(readBounded(jsonPath));
      } catch (err) {
        throw new Error(`${jsonPath}: ${(err as Error).message}`, { cause: err });
      }
    }
    return functionSpec(name, code, description, conf, jsonPath);
  });
}
