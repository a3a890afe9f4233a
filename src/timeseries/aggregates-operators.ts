/**
 * The operators of `/v1/aggregates` by the names an operation uses: binary ones (arithmetic, comparisons
 * yielding 0/1, `clip_min`/`clip_max`), unary ones (applied point by point, or rates of change between
 * consecutive points), and the methods of `aggregate` and `rolling`. Operators live in Registries, so a
 * name such as `toString`, `constructor` or `__proto__` is an unknown operation like any other.
 */
import { Registry } from '../support/registry.js';
import { invalidOperations } from './aggregates-operation.js';

/** A binary operator applied point by point (or between a series and a constant). */
export type BinaryOperator = (a: number, b: number) => number;

/** A unary operator: a function of each value, or the change between consecutive points (per second). */
export type UnaryOperator =
  { kind: 'pointwise'; apply: (a: number) => number } | { kind: 'rate-of-change'; perSecond: boolean };

const unknownOperation = (name: string): Error => invalidOperations(`'${name}' operation invalid`);

/** Binary operators by name (`+`, `add`, `≥`, `clip_min`, ...). */
export const binaryOperators = new Registry<BinaryOperator>(unknownOperation);

/** Unary operators by name (`abs`, `neg`, `rateofchangesec`, ...). */
export const unaryOperators = new Registry<UnaryOperator>(unknownOperation);

/** Methods of `aggregate` and `rolling` (numpy nan-functions across series), with their `rate:` forms. */
export const OPERATION_AGGREGATES: readonly string[] = (() => {
  const base = ['mean', 'median', 'std', 'min', 'max', 'sum', 'var', 'count'];
  return [...base, ...base.map((m) => `rate:${m}`)];
})();

const binary = (names: string[], fn: BinaryOperator): void => {
  for (const name of names) binaryOperators.register(name, fn);
};
binary(['=', '==', 'eq'], (a, b) => (a === b ? 1 : 0));
binary(['<', 'lt'], (a, b) => (a < b ? 1 : 0));
binary(['>', 'gt'], (a, b) => (a > b ? 1 : 0));
binary(['<=', '≤', 'le'], (a, b) => (a <= b ? 1 : 0));
binary(['>=', '≥', 'ge'], (a, b) => (a >= b ? 1 : 0));
binary(['!=', '≠', 'ne'], (a, b) => (a !== b ? 1 : 0));
binary(['%', 'mod'], (a, b) => {
  if (b === 0) return NaN;
  const r = a % b;
  if (r === 0) return b < 0 ? -0 : 0;
  return r < 0 !== b < 0 ? r + b : r;
});
binary(['+', 'add'], (a, b) => a + b);
binary(['-', 'sub'], (a, b) => a - b);
binary(['*', '×', 'mul'], (a, b) => a * b);
binary(['/', '÷', 'div'], (a, b) => a / b);
binary(['**', '^', 'pow'], (a, b) => a ** b);
binary(['clip_min'], (a, b) => (Number.isNaN(a) ? a : Math.max(a, b)));
binary(['clip_max'], (a, b) => (Number.isNaN(a) ? a : Math.min(a, b)));

const pointwise = (names: string[], apply: (a: number) => number): void => {
  for (const name of names) unaryOperators.register(name, { kind: 'pointwise', apply });
};
pointwise(['abs', 'absolute'], Math.abs);
pointwise(['neg', 'negative'], (a) => -a);
pointwise(['cos'], Math.cos);
pointwise(['sin'], Math.sin);
pointwise(['tan'], Math.tan);
pointwise(['floor'], Math.floor);
pointwise(['ceil'], Math.ceil);
unaryOperators.register('rateofchange', { kind: 'rate-of-change', perSecond: false });
unaryOperators.register('rateofchangesec', { kind: 'rate-of-change', perSecond: true });
