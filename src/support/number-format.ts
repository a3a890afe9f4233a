/**
 * C++ stream formatting of numbers, as the original tools print them: `%g` with 6 significant digits
 * (the default of `std::ostream`) and `%.Nf` (`std::fixed`). Rounding is to nearest, ties to even on the
 * exact binary value, as glibc's printf does.
 */

interface Digits {
  /** Significant decimal digits, first one non-zero. */
  digits: string;
  /** Decimal exponent of the first digit. */
  exp: number;
}

/**
 * Exact decimal expansion of a finite positive number: a double is m·2^e, which is m·2^e (e ≥ 0) or
 * m·5^-e / 10^-e (e < 0), so BigInt arithmetic gives every digit (up to ~770 of them), as glibc uses.
 */
function expand(x: number): Digits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) {
    e = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    e = biased - 1075;
  }
  let digits: string;
  let exp: number;
  if (e >= 0) {
    digits = (mantissa << BigInt(e)).toString();
    exp = digits.length - 1;
  } else {
    digits = (mantissa * 5n ** BigInt(-e)).toString();
    exp = digits.length - 1 + e;
  }
  return { digits: digits.replace(/0+$/, ''), exp };
}

/** Rounds a digit expansion to `keep` digits (possibly 0 or fewer), ties to even. */
function round(d: Digits, keep: number): Digits {
  if (keep < 0) return { digits: '0', exp: d.exp - keep };
  const kept = d.digits.slice(0, keep);
  const rest = d.digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const tail = /[1-9]/.test(rest.slice(1));
  const lastOdd = kept.length > 0 && (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1;
  const up = first > 5 || (first === 5 && (tail || lastOdd));
  if (!up) return { digits: kept === '' ? '0' : kept, exp: kept === '' ? d.exp + 1 : d.exp };
  const incremented = (BigInt(kept === '' ? '0' : kept) + 1n).toString();
  if (kept === '') return { digits: '1', exp: d.exp + 1 };
  if (incremented.length > kept.length) return { digits: incremented.slice(0, kept.length), exp: d.exp + 1 };
  return { digits: incremented, exp: d.exp };
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Formats like C's `%g` with the given significant digits (default 6, C++'s default stream precision). */
export function formatG(x: number, precision = 6): string {
  const s = special(x);
  if (s !== undefined) return s;
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const p = Math.max(1, precision);
  const r = round(expand(Math.abs(x)), p);
  const digits = r.digits.padEnd(p, '0');
  if (r.exp < -4 || r.exp >= p) {
    const mantissa = stripZeros(`${digits[0]}.${digits.slice(1)}`);
    const e = Math.abs(r.exp).toString().padStart(2, '0');
    return `${sign}${mantissa}e${r.exp < 0 ? '-' : '+'}${e}`;
  }
  if (r.exp >= 0) return sign + stripZeros(`${digits.slice(0, r.exp + 1)}.${digits.slice(r.exp + 1)}`);
  return sign + stripZeros(`0.${'0'.repeat(-r.exp - 1)}${digits}`);
}

/** Formats like C's `%.Nf` (C++ `std::fixed` with precision N). */
export function formatFixed(x: number, decimals = 6): string {
  const s = special(x);
  if (s !== undefined) return s;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return sign + (decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0');
  const d = expand(Math.abs(x));
  const r = round(d, d.exp + 1 + decimals);
  // Place the rounded digits on a grid with `decimals` fractional digits.
  const units = BigInt(r.digits) * 10n ** BigInt(Math.max(0, r.exp - r.digits.length + 1 + decimals));
  const text = units.toString().padStart(decimals + 1, '0');
  const int = text.slice(0, text.length - decimals);
  const frac = text.slice(text.length - decimals);
  return sign + (decimals > 0 ? `${int}.${frac}` : int);
}
