/**
 * Resource search filters, as Gnocchi's `ResourceSearchSchema` and `QueryStringSearchAttrFilter`:
 * the JSON form `{"and": [{"=": {"user_id": "x"}}, {"like": {"host": "compute%"}}]}` and the string form
 * `user_id = 'x' and host like 'compute%'`. Operators: `= == eq`, `< lt`, `> gt`, `<= ≤ le`, `>= ≥ ge`,
 * `!= ≠ ne`, `in`, `like`, combined with `and ∧`, `or ∨`, `not`. Values of `id` are mapped to UUIDs per
 * creator like resource ids; the compiled predicate casts values to each attribute's type.
 */
import { TimeseriesError } from '../errors.js';
import { MAX_NAME_LENGTH, MAX_NESTING, tooLong } from '../names.js';
import { likeMatcher } from '../sql-like.js';
import { resourceUuid } from './ids.js';
import { invalidAt, invalidValue, isObject, type BodyPath } from './validate.js';

/** A validated filter (JSON form). */
export type Filter = Record<string, unknown>;

/** The canonical meaning of a comparison operator. */
type Comparison = 'eq' | 'lt' | 'gt' | 'le' | 'ge' | 'ne';

/** Comparison operators by every spelling of them (a Map: no name reaches Object.prototype). */
const COMPARISONS: ReadonlyMap<string, Comparison> = new Map<string, Comparison>([
  ['=', 'eq'],
  ['==', 'eq'],
  ['eq', 'eq'],
  ['<', 'lt'],
  ['lt', 'lt'],
  ['>', 'gt'],
  ['gt', 'gt'],
  ['<=', 'le'],
  ['≤', 'le'],
  ['le', 'le'],
  ['>=', 'ge'],
  ['≥', 'ge'],
  ['ge', 'ge'],
  ['!=', 'ne'],
  ['≠', 'ne'],
  ['ne', 'ne'],
]);

const BINARY = new Set([...COMPARISONS.keys(), 'in', 'like']);
const AND = new Set(['and', '∧']);
const OR = new Set(['or', '∨']);

type Scalar = string | number | boolean | null;

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function oneEntry(value: unknown, path: BodyPath): [string, unknown] {
  if (!isObject(value)) throw invalidValue('expected a dictionary', path);
  const entries = Object.entries(value);
  if (entries.length !== 1) {
    throw invalidValue(`length of value must be ${entries.length < 1 ? 'at least' : 'at most'} 1`, path);
  }
  return entries[0] as [string, unknown];
}

function mapId(value: unknown, creator: string, path: BodyPath): string {
  if (typeof value !== 'string') throw invalidValue('expected str', path);
  try {
    return resourceUuid(value, creator);
  } catch (e) {
    throw invalidValue(e instanceof Error ? e.message : String(e), path);
  }
}

/**
 * Most conditions (comparisons, `like`, `in`, each counting one) a filter holds. Every condition is tried
 * on every resource, so a filter of 300,000 conditions (the 8 MiB a body may hold) over 10,000 resources
 * would hold the server over a minute; an `in` of many values is one condition, looked up in a set.
 */
export const MAX_FILTER_CONDITIONS = 1000;

/**
 * Validates a JSON filter (`{}` = no filter → undefined) and maps `id` values to resource UUIDs of
 * `creator`; 400 Invalid input otherwise, and past {@link MAX_FILTER_CONDITIONS} conditions.
 */
export function validateFilter(value: unknown, creator: string, path: BodyPath = []): Filter | undefined {
  return validateNode(value, creator, path, { conditions: 0 });
}

function validateNode(
  value: unknown,
  creator: string,
  path: BodyPath,
  count: { conditions: number },
): Filter | undefined {
  if (!isObject(value)) throw invalidAt('expected a dictionary', path);
  const entries = Object.entries(value);
  if (entries.length === 0) return undefined;
  if (entries.length > 1) throw invalidAt('length of value must be at most 1', path);
  const [op, arg] = entries[0] as [string, unknown];
  const here = [...path, op];
  if ((COMPARISONS.has(op) || op === 'like' || op === 'in') && ++count.conditions > MAX_FILTER_CONDITIONS)
    throw invalidAt(`more than ${MAX_FILTER_CONDITIONS} conditions`, here);
  if (COMPARISONS.has(op)) {
    const [attr, v] = oneEntry(arg, here);
    if (attr === 'id') return { [op]: { id: mapId(v, creator, [...here, attr]) } };
    if (!isScalar(v)) throw invalidValue('expected str', [...here, attr]);
    return { [op]: { [attr]: v } };
  }
  if (op === 'like') {
    const [attr, v] = oneEntry(arg, here);
    if (attr === 'id') throw invalidAt('extra keys not allowed', [...here, attr]);
    if (!isScalar(v)) throw invalidValue('expected str', [...here, attr]);
    if (typeof v === 'string' && tooLong(v)) {
      throw invalidValue(`length of value must be at most ${MAX_NAME_LENGTH}`, [...here, attr]);
    }
    return { like: { [attr]: v } };
  }
  if (op === 'in') {
    const [attr, v] = oneEntry(arg, here);
    if (!Array.isArray(v)) throw invalidValue('expected a list', [...here, attr]);
    if (v.length < 1) throw invalidValue('length of value must be at least 1', [...here, attr]);
    const values = v.map((item, i) => {
      if (attr === 'id') return mapId(item, creator, [...here, attr, i]);
      if (!isScalar(item)) throw invalidValue('not a valid value', [...here, attr, i]);
      return item;
    });
    return { in: { [attr]: values } };
  }
  if (AND.has(op) || OR.has(op)) {
    if (!Array.isArray(arg)) throw invalidValue('expected a list', here);
    if (arg.length < 1) throw invalidValue('length of value must be at least 1', here);
    const parts = arg.map((item, i) => validateNode(item, creator, [...here, i], count) ?? {});
    return { [op]: parts };
  }
  if (op === 'not') {
    if (!isObject(arg)) throw invalidValue('expected a dictionary', here);
    return { not: validateNode(arg, creator, here, count) ?? {} };
  }
  throw invalidAt('extra keys not allowed', here);
}

interface Token {
  kind: 'op' | 'value' | 'punct';
  text: string;
  value?: Scalar;
  identifier?: boolean;
  pos: number;
}

const WORD_OPERATORS = new Set(['eq', 'ne', 'lt', 'gt', 'ge', 'le', 'in', 'like', 'and', 'or', 'not']);
const UUID_RE = /^[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}$/;
const NUMBER_RE = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/;
const IDENTIFIER_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

function filterError(message: string): TimeseriesError {
  return new TimeseriesError(400, `Invalid filter: ${message}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ('()[],'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end === -1)
        throw filterError(`Expected end of text, found '${c}'  (at char ${i}), (line:1, col:${i + 1})`);
      tokens.push({ kind: 'value', text: text.slice(i, end + 1), value: text.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    // No '==': Gnocchi's operator regex tries '=' first, so '==' reads as two '=' (an error), as there.
    if (['>=', '<=', '!='].includes(two)) {
      tokens.push({ kind: 'op', text: two, pos: i });
      i += 2;
      continue;
    }
    if ('=<>≠≥≤∧∨'.includes(c)) {
      tokens.push({ kind: 'op', text: c, pos: i });
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s()[\],'"=<>!≠≥≤∧∨]/.test(text[j] ?? '')) j++;
    if (j === i)
      throw filterError(`Expected an expression, found '${c}'  (at char ${i}), (line:1, col:${i + 1})`);
    const word = text.slice(i, j);
    if (WORD_OPERATORS.has(word)) tokens.push({ kind: 'op', text: word, pos: i });
    else if (/^(None|none|null)$/.test(word)) tokens.push({ kind: 'value', text: word, value: null, pos: i });
    else if (/^(False|True|false|true)$/.test(word)) {
      tokens.push({ kind: 'value', text: word, value: word.toLowerCase() === 'true', pos: i });
    } else if (UUID_RE.test(word)) tokens.push({ kind: 'value', text: word, value: word, pos: i });
    else if (IDENTIFIER_RE.test(word))
      tokens.push({ kind: 'value', text: word, value: word, identifier: true, pos: i });
    else if (NUMBER_RE.test(word)) tokens.push({ kind: 'value', text: word, value: Number(word), pos: i });
    else throw filterError(`Expected an expression, found '${word}'  (at char ${i}), (line:1, col:${i + 1})`);
    i = j;
  }
  return tokens;
}

class FilterParser {
  private index = 0;
  /** Open parentheses and `not`s around the current position. */
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): Filter {
    const result = this.orExpr();
    const next = this.peek();
    if (next !== undefined) throw this.unexpected(next, 'end of text');
    return result;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private unexpected(token: Token | undefined, expected: string): TimeseriesError {
    if (token === undefined) {
      return filterError(
        `Expected ${expected}, found end of text  (at char ${this.text.length}), (line:1, col:${this.text.length + 1})`,
      );
    }
    return filterError(
      `Expected ${expected}, found '${token.text}'  (at char ${token.pos}), (line:1, col:${token.pos + 1})`,
    );
  }

  private chain(ops: Set<string>, next: () => Filter): Filter {
    const first = next();
    const parts = [first];
    let op: string | undefined;
    for (let t = this.peek(); t?.kind === 'op' && ops.has(t.text); t = this.peek()) {
      if (op !== undefined && t.text !== op) {
        this.index++;
        const combined: Filter = { [op]: parts.splice(0) };
        parts.push(combined, next());
        op = t.text;
        continue;
      }
      op = t.text;
      this.index++;
      parts.push(next());
    }
    return op === undefined ? first : { [op]: parts };
  }

  private orExpr(): Filter {
    return this.chain(OR, () => this.andExpr());
  }

  private andExpr(): Filter {
    return this.chain(AND, () => this.notExpr());
  }

  /** Enters a `(` or a `not`: 400 beyond {@link MAX_NESTING} levels, before the stack runs out. */
  private enter(token: Token): void {
    if (++this.depth > MAX_NESTING) {
      throw filterError(`more than ${MAX_NESTING} nested levels at char ${token.pos}`);
    }
  }

  private notExpr(): Filter {
    const t = this.peek();
    if (t?.kind === 'op' && t.text === 'not') {
      this.enter(t);
      this.index++;
      const inner = this.notExpr();
      this.depth--;
      return { not: inner };
    }
    return this.atom();
  }

  private atom(): Filter {
    const t = this.peek();
    if (t?.kind === 'punct' && t.text === '(') {
      this.enter(t);
      this.index++;
      const inner = this.orExpr();
      const close = this.peek();
      if (close?.kind !== 'punct' || close.text !== ')') throw this.unexpected(close, "')'");
      this.index++;
      this.depth--;
      return inner;
    }
    const left = this.term();
    const op = this.peek();
    if (op?.kind !== 'op' || !BINARY.has(op.text)) throw this.unexpected(op, 'an operator');
    this.index++;
    const right = this.term();
    if (typeof left !== 'string') throw filterError(`Invalid attribute name ${String(left)}`);
    return { [op.text]: { [left]: right } };
  }

  private term(): Scalar | Scalar[] {
    const t = this.peek();
    if (t?.kind === 'punct' && t.text === '[') {
      this.index++;
      const items: Scalar[] = [];
      for (let n = this.peek(); !(n?.kind === 'punct' && n.text === ']'); n = this.peek()) {
        if (items.length > 0) {
          if (n?.kind !== 'punct' || n.text !== ',') throw this.unexpected(n, "']'");
          this.index++;
        }
        const item = this.term();
        if (Array.isArray(item)) throw this.unexpected(this.tokens[this.index - 1], 'a value');
        items.push(item);
      }
      this.index++;
      return items;
    }
    if (t?.kind !== 'value') throw this.unexpected(t, 'a value');
    this.index++;
    return t.value ?? null;
  }
}

/**
 * Parses the string form of a filter into the JSON form (400 "Invalid filter: …" on syntax errors, and on
 * more than `MAX_NESTING` parentheses and `not`s inside one another).
 */
export function parseFilterString(text: string): Filter {
  return new FilterParser(tokenize(text), text).parse();
}

/** Kinds of searchable attributes. */
export type FieldKind = 'string' | 'uuid' | 'number' | 'bool' | 'datetime' | 'lifespan';

/** How the predicate reads and types one attribute. */
export interface FieldAccess<T> {
  kind: FieldKind;
  get(item: T): unknown;
}

/** Resolves an attribute name to its accessor, or undefined if the type has no such attribute. */
export type FieldResolver<T> = (name: string) => FieldAccess<T> | undefined;

/** Converts a query value to an attribute's type (throw → "Invalid value"). */
export type ValueCaster = (kind: FieldKind, value: Scalar) => Scalar;

function compare(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Compiles a validated filter into a predicate. Unknown attributes → 400 "Resource type <type> has no
 * <attr> attribute"; values that do not convert → 400 "Invalid value: `<v>' for field `<attr>'".
 */
export function compileFilter<T>(
  filter: Filter | undefined,
  typeName: string,
  resolve: FieldResolver<T>,
  cast: ValueCaster,
): (item: T) => boolean {
  if (filter === undefined) return () => true;
  const field = (name: string): FieldAccess<T> => {
    const access = resolve(name);
    if (access === undefined)
      throw new TimeseriesError(400, `Resource type ${typeName} has no ${name} attribute`);
    return access;
  };
  const convert = (name: string, kind: FieldKind, value: Scalar): Scalar => {
    if (value === null) return null;
    try {
      return cast(kind, value);
    } catch {
      throw new TimeseriesError(400, `Invalid value: \`${String(value)}' for field \`${name}'`);
    }
  };
  const build = (f: Filter): ((item: T) => boolean) => {
    const entries = Object.entries(f);
    if (entries.length === 0) return () => true;
    const [op, arg] = entries[0] as [string, unknown];
    if (AND.has(op) || OR.has(op)) {
      const parts = (arg as Filter[]).map(build);
      return AND.has(op) ? (item) => parts.every((p) => p(item)) : (item) => parts.some((p) => p(item));
    }
    if (op === 'not') {
      const inner = build(arg as Filter);
      return (item) => !inner(item);
    }
    const [name, raw] = Object.entries(arg as Filter)[0] as [string, unknown];
    const access = field(name);
    if (op === 'in') {
      // compare(a, b) === 0 exactly when String(a) === String(b) (numbers print exactly), so one look-up in
      // a set answers for every value: an `in` of 300,000 values over 300 resources took 1.3 s.
      const values = new Set<string>();
      for (const v of raw as Scalar[]) {
        const converted = convert(name, access.kind, v);
        if (converted !== null) values.add(String(converted));
      }
      return (item) => {
        const actual = access.get(item) as Scalar;
        return actual !== null && actual !== undefined && values.has(String(actual));
      };
    }
    if (op === 'like') {
      const like = likeMatcher(String(raw));
      return (item) => {
        const actual = access.get(item);
        return (
          actual !== null &&
          actual !== undefined &&
          like(typeof actual === 'string' ? actual : JSON.stringify(actual))
        );
      };
    }
    const cmp = COMPARISONS.get(op) ?? 'eq';
    const expected = convert(name, access.kind, raw as Scalar);
    return (item) => {
      const actual = access.get(item) as Scalar | undefined;
      if (expected === null) {
        if (cmp === 'eq') return actual === null || actual === undefined;
        if (cmp === 'ne') return actual !== null && actual !== undefined;
        return false;
      }
      // Gnocchi's `ne` with a value is `attr IS NULL OR attr != value`: nulls differ from any value.
      if (actual === null || actual === undefined) return cmp === 'ne';
      const c = compare(actual, expected);
      switch (cmp) {
        case 'eq':
          return c === 0;
        case 'ne':
          return c !== 0;
        case 'lt':
          return c < 0;
        case 'gt':
          return c > 0;
        case 'le':
          return c <= 0;
        case 'ge':
          return c >= 0;
      }
    };
  };
  return build(filter);
}
