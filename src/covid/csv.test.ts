import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvError, parseCsv, parseCsvObjects } from './csv.js';

describe('parseCsv', () => {
  test('plain fields, LF and CRLF records, no empty record after the final line break', () => {
    assert.deepEqual(parseCsv('a,b,c\n1,2,3\r\n4,,6\n'), [
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '', '6'],
    ]);
    assert.deepEqual(parseCsv('a,b\n1,2'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.deepEqual(parseCsv(''), []);
    assert.deepEqual(parseCsv('x,\n'), [['x', '']]);
  });

  test('quoted commas, doubled quotes, line breaks inside quotes, empty quoted field', () => {
    assert.deepEqual(parseCsv('n,note\n1,"a, b"\n2,"he said ""hi"", then left"\n3,"two\nlines"\n4,""\n'), [
      ['n', 'note'],
      ['1', 'a, b'],
      ['2', 'he said "hi", then left'],
      ['3', 'two\nlines'],
      ['4', ''],
    ]);
    assert.deepEqual(parseCsv('"a""",b\r\n'), [['a"', 'b']]);
  });

  test('a leading byte-order mark is dropped, a lone carriage return is data', () => {
    assert.deepEqual(parseCsv('\ufeffdata,stato\n2020,ITA\n'), [
      ['data', 'stato'],
      ['2020', 'ITA'],
    ]);
    assert.deepEqual(parseCsv('a\rb,c\n'), [['a\rb', 'c']]);
  });

  test('errors name the line', () => {
    assert.throws(
      () => parseCsv('a,b\n1,"open\n'),
      (e: unknown) => e instanceof CsvError && e.line === 2 && /not closed/.test(e.message),
    );
    assert.throws(
      () => parseCsv('a\n"x"\n"two\nlines"y\n'),
      (e: unknown) =>
        e instanceof CsvError &&
        e.line === 4 &&
        e.message === 'CSV line 4: unexpected character after a closing quote',
    );
  });
});

describe('parseCsvObjects', () => {
  test('objects keyed by the header, BOM stripped from the first name', () => {
    assert.deepEqual(parseCsvObjects('\ufeffdata,note\n2020-02-24,"x, y"\n'), [
      { data: '2020-02-24', note: 'x, y' },
    ]);
  });

  test('a record with the wrong number of fields', () => {
    assert.throws(
      () => parseCsvObjects('a,b\n1,2\n3\n'),
      /^Error: CSV record 2: 1 fields where the header has 2$/,
    );
  });
});
