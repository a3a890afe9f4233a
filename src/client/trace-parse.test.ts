import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatTraceLine } from './trace.js';
import { parseTrace, readTrace, TraceError } from './trace-parse.js';

test('a trace parses into events; blank lines, tabs and surrounding blanks are fine', () => {
  const text = '0.5 clambda0 127.0.0.1:6473 100\n\n  1e-05\tf\th:1  0  \r\n2 g h:2 7';
  assert.deepEqual(parseTrace(text), [
    { time: 0.5, lambda: 'clambda0', endpoint: '127.0.0.1:6473', size: 100 },
    { time: 1e-5, lambda: 'f', endpoint: 'h:1', size: 0 },
    { time: 2, lambda: 'g', endpoint: 'h:2', size: 7 },
  ]);
  assert.deepEqual(parseTrace(''), []);
});

test('formatted events parse back', () => {
  const event = { time: 1.25, lambda: 'clambda0', endpoint: 'localhost:6473', size: 321 };
  assert.deepEqual(parseTrace(formatTraceLine(event)), [event]);
});

test('a malformed line is an error naming the source, the line number and the problem', () => {
  const good = '0.1 f h:1 10\n';
  const cases: [string, string][] = [
    [`${good}${good}0.3 f h:1\n`, 'x.txt:3: expected 4 fields <time> <lambda> <endpoint> <size>, found 3'],
    [
      `${good}\n0.3 f h:1 10 extra\n`,
      'x.txt:3: expected 4 fields <time> <lambda> <endpoint> <size>, found 5',
    ],
    [`abc f h:1 10\n`, "x.txt:1: invalid time 'abc'"],
    [`${good}1e999 f h:1 10\n`, "x.txt:2: invalid time '1e999'"],
    [`${good}0.2 f h:1 -5\n`, "x.txt:2: invalid size '-5'"],
    [`${good}0.2 f h:1 1.5\n`, "x.txt:2: invalid size '1.5'"],
    [`${good}0.2 f h:1 10x\n`, "x.txt:2: invalid size '10x'"],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseTrace(text, 'x.txt'),
      (err: unknown) => {
        assert.ok(err instanceof TraceError);
        assert.equal(err.message, message);
        return true;
      },
    );
  }
});

test('readTrace reads a file, and a missing file is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-trace-'));
  const file = join(dir, 'trace.txt');
  writeFileSync(file, '0 f h:1 1\n');
  assert.deepEqual(readTrace(file), [{ time: 0, lambda: 'f', endpoint: 'h:1', size: 1 }]);
  const missing = join(dir, 'missing.txt');
  assert.throws(() => readTrace(missing), {
    message: new RegExp(`^Cannot read trace file '${missing.replace(/[.]/g, '\\.')}': ENOENT`),
  });
});
