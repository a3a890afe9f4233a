/**
 * A "conf" string: comma-separated `key=value` pairs, as used by many options (`type=trivial,period=10`).
 * Parsing follows the original system except that blanks around keys and values are trimmed, so the
 * original default `type=grpc, persistence=0.05` works (quirk Q4 fixed).
 */
export class Conf {
  private readonly values: Map<string, string>;
  /** Keys given more than once (the first value wins), so a caller can warn. */
  readonly duplicates: string[];

  private constructor(values: Map<string, string>, duplicates: string[]) {
    this.values = values;
    this.duplicates = duplicates;
  }

  /** Parses a conf string; fails with `Invalid configuration: <text>` if it is malformed. */
  static parse(text: string): Conf {
    const values = new Map<string, string>();
    const duplicates: string[] = [];
    if (text.trim() === '') return new Conf(values, duplicates);
    const invalid = new Error(`Invalid configuration: ${text}`);
    let pos = 0;
    while (pos < text.length) {
      const eq = text.indexOf('=', pos);
      if (eq < 0) throw invalid;
      const key = text.slice(pos, eq).trim();
      if (key === '' || key.startsWith(',')) throw invalid;
      let comma = text.indexOf(',', eq + 1);
      if (comma < 0) comma = text.length;
      const value = text.slice(eq + 1, comma).trim();
      if (value === '' || value.startsWith('=')) throw invalid;
      if (values.has(key)) duplicates.push(key);
      else values.set(key, value);
      pos = comma + 1;
    }
    return new Conf(values, duplicates);
  }

  /** True if the key is present. */
  has(key: string): boolean {
    return this.values.has(key);
  }

  /** The keys, in the order given. */
  keys(): string[] {
    return [...this.values.keys()];
  }

  /** The value of a key as text; fails with `No value found for key: <k>` if absent. */
  get(key: string): string {
    const v = this.values.get(key);
    if (v === undefined) throw new Error(`No value found for key: ${key}`);
    return v;
  }

  /** The value of a key as text, or `fallback` if absent. */
  getOr(key: string, fallback: string): string {
    return this.values.get(key) ?? fallback;
  }

  /**
   * The value as a floating-point number, read like a C++ stream: a leading numeric prefix is accepted
   * (`10abc` → 10), but an exponent marker must be followed by digits (`1e`, `1e+x` fail) and the value
   * must be finite (`1e999` fails, as the stream overflows).
   */
  getDouble(key: string): number {
    const v = this.get(key);
    const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d*)?/.exec(v);
    const n = m === null ? Number.NaN : Number(m[0]);
    if (!Number.isFinite(n)) throw new Error(`Invalid type when converting ${v} as double`);
    return n;
  }

  /** The value as a (32-bit) integer; a leading integer prefix is accepted (`3.7` → 3), out of range fails. */
  getInt(key: string): number {
    const v = this.get(key);
    const m = /^[+-]?\d+/.exec(v);
    const n = m === null ? Number.NaN : Number(m[0]);
    if (!(n >= -2147483648 && n <= 2147483647)) throw new Error(`Invalid type when converting ${v} as int`);
    return n;
  }

  /** The value as a non-negative integer; a negative one fails with `Invalid value '<v>' for key '<k>': cannot be < 0`. */
  getUint(key: string): number {
    const n = this.getInt(key);
    if (n < 0) throw new Error(`Invalid value '${this.get(key)}' for key '${key}': cannot be < 0`);
    return n;
  }

  /** The value as a boolean: `true/yes/1` or `false/no/0`, any case; the error shows the value lower-cased. */
  getBool(key: string): boolean {
    const v = this.get(key).toLowerCase();
    if (v === 'true' || v === 'yes' || v === '1') return true;
    if (v === 'false' || v === 'no' || v === '0') return false;
    throw new Error(`Invalid type when converting ${v} as bool`);
  }

  /** The conf back as text, keys in order. */
  toString(): string {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join(',');
  }
}
