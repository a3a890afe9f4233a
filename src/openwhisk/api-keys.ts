import { readFileSync } from 'node:fs';
import { WSK_TEXTS, WskHttpError } from './wsk-errors.js';

/** The namespace of a key whose line names none. */
export const DEFAULT_NAMESPACE = 'guest';

/** An OpenWhisk API key's `UUID:KEY` form: two non-empty parts without blanks. */
const KEY = /^[^\s:]+:[^\s]+$/;

/** A namespace as OpenWhisk allows it. */
const NAMESPACE = /^[\w@.-]{1,256}$/;

/**
 * OpenWhisk API keys (`UUID:KEY`) and the namespace of each: the `--auth-file` of wskproxy, one key a line,
 * optionally followed by a blank and its namespace (default {@link DEFAULT_NAMESPACE}); blank lines and
 * lines starting with `#` are skipped.
 */
export class ApiKeys {
  private constructor(private readonly namespaces: ReadonlyMap<string, string>) {}

  /** Parses a keys file's text; errors name the file and the line. */
  static parse(text: string, file = 'auth file'): ApiKeys {
    const keys = new Map<string, string>();
    for (const [i, raw] of text.split('\n').entries()) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [key, namespace = DEFAULT_NAMESPACE, ...extra] = line.split(/\s+/);
      const where = `${file}:${i + 1}`;
      if (!KEY.test(key!) || extra.length > 0)
        throw new Error(`${where}: expected UUID:KEY, optionally followed by a namespace`);
      if (!NAMESPACE.test(namespace))
        throw new Error(`${where}: invalid namespace ${JSON.stringify(namespace)}`);
      keys.set(key!, namespace);
    }
    if (keys.size === 0) throw new Error(`${file}: no key`);
    return new ApiKeys(keys);
  }

  /** Reads a keys file. */
  static read(file: string): ApiKeys {
    return ApiKeys.parse(readFileSync(file, 'utf8'), file);
  }

  /**
   * The namespace of the key of an `Authorization` header (HTTP Basic, user = UUID, password = KEY); a
   * missing one is a 401 `The resource requires authentication…`, an unknown one a 401 `The supplied
   * authentication is invalid.`
   */
  namespaceOf(authorization: string | undefined): string {
    if (authorization === undefined || authorization === '') throw new WskHttpError(401, WSK_TEXTS.noAuth);
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    const key = match === null ? undefined : Buffer.from(match[1]!, 'base64').toString('utf8');
    const namespace = key === undefined ? undefined : this.namespaces.get(key);
    if (namespace === undefined) throw new WskHttpError(401, WSK_TEXTS.badAuth);
    return namespace;
  }
}
