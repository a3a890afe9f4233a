/**
 * JSON output the way Gnocchi (Python) writes it: `", "` and `": "` separators, and floats that stay
 * floats (`86400.0`, `42.0`). The distinction matters to Python clients: the `gnocchi` CLI prints
 * `86400.0` for a float but `86400` for an int, so granularities and values are wrapped in {@link PyFloat}.
 */

/** A number to be written as a Python float (`1.0`, `1e+16`; `null` when not finite). */
export class PyFloat {
  constructor(readonly value: number) {}

  /** `JSON.stringify` compatibility (a plain number). */
  toJSON(): number {
    return this.value;
  }
}

/** Wraps a number as a Python float. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/** Python's `repr(float)`: shortest round-trip digits, `.0` for integral values, exponent outside [1e-4, 1e16). */
export function formatPyFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa = '', exponent = '0'] = value.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}

function serialize(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
  } else if (value instanceof PyFloat) {
    out.push(Number.isFinite(value.value) ? formatPyFloat(value.value) : 'null');
  } else if (typeof value === 'number') {
    out.push(Number.isFinite(value) ? String(value) : 'null');
  } else if (typeof value === 'string') {
    out.push(JSON.stringify(value));
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(', ');
      serialize(item, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    out.push('{');
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (!first) out.push(', ');
      first = false;
      out.push(JSON.stringify(key), ': ');
      serialize(item, out);
    }
    out.push('}');
  } else {
    out.push(typeof value === 'bigint' ? value.toString() : 'null');
  }
}

/**
 * Serializes a value like Python's `json.dumps` (default separators), honouring {@link PyFloat}, but always
 * as valid JSON: NaN and ±Infinity (a sum that overflows, a `fill=null` gap) are written `null`, where
 * Python would write the bare tokens `NaN`/`Infinity` that JSON parsers refuse.
 */
export function pyJson(value: unknown): string {
  const out: string[] = [];
  serialize(value, out);
  return out.join('');
}
