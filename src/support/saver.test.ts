import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { formatG } from './number-format.js';
import { Saver } from './saver.js';

describe('Saver (spec §0.5)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soe-saver-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const file = () => path.join(dir, `out${n++}.txt`);
  const read = (p: string) => fs.readFileSync(p, 'utf8');

  test('timestamp column: seconds since creation (%g), then the values separated by single blanks', () => {
    const p = file();
    const before = performance.now();
    const s = new Saver(p);
    s.write(0.109332, 0, '127.0.0.1:10001', 'clambda0', 2);
    const around = (performance.now() - before) / 1000;
    s.close();
    const lines = read(p).split('\n');
    assert.equal(lines.length, 2);
    assert.equal(lines[1], '');
    const [t, ...rest] = lines[0]!.split(' ');
    assert.deepEqual(rest, ['0.109332', '0', '127.0.0.1:10001', 'clambda0', '2']);
    const seconds = Number(t);
    // within the time measured around creation and write (%g keeps 6 digits: a relative error of 5e-6)
    assert.ok(seconds >= 0 && seconds <= around * (1 + 5e-6), `timestamp ${t} after ${around} s`);
    assert.equal(formatG(seconds), t, 'the timestamp is printed with %g');
  });

  test('the time offset is added to the timestamp', () => {
    const p = file();
    const before = performance.now();
    const s = new Saver(p, { timeOffset: 1000 });
    assert.ok(s.elapsed() >= 1000);
    s.write('x');
    const around = (performance.now() - before) / 1000;
    s.close();
    const [t, x] = read(p).trimEnd().split(' ');
    // %g prints 1000.xx with 6 digits: the timestamp is rounded to the hundredth
    assert.ok(Number(t) >= 1000 && Number(t) <= 1000 + around + 0.005, `timestamp ${t} after ${around} s`);
    assert.equal(x, 'x');
  });

  test('no timestamp: only the values; an empty string gives two consecutive blanks', () => {
    const p = file();
    const s = new Saver(p, { timestamp: false });
    s.write(1.11078, 0.109332, 0, '', 'clambda0', 2);
    s.write('only');
    s.close();
    assert.equal(read(p), '1.11078 0.109332 0  clambda0 2\nonly\n');
  });

  test('writeText: the text as it is, no timestamp, on a line of its own', () => {
    const p = file();
    const s = new Saver(p, { flush: false });
    s.write('x');
    s.writeText('abc def');
    s.writeText('ends\n');
    s.writeText('two\nlines');
    s.writeText('');
    s.close();
    s.writeText('after close');
    assert.match(read(p), /^\S+ x\nabc def\nends\ntwo\nlines\n\n$/);
  });

  test('numbers print like C++ streams (%g, 6 significant digits)', () => {
    const p = file();
    const s = new Saver(p, { timestamp: false });
    s.write(1e-5, 123457, 1234567, 1.23456789, 0.1 + 0.2, -0, 1 / 3, 100);
    s.close();
    assert.equal(read(p), '1e-05 123457 1.23457e+06 1.23457 0.3 -0 0.333333 100\n');
  });

  test('truncate by default, append on request', () => {
    const p = file();
    fs.writeFileSync(p, 'old line\n');
    const a = new Saver(p, { timestamp: false });
    a.write('first');
    a.close();
    assert.equal(read(p), 'first\n');
    const b = new Saver(p, { timestamp: false, append: true });
    b.write('second');
    b.close();
    assert.equal(read(p), 'first\nsecond\n');
    const c = new Saver(p, { timestamp: false, append: false });
    c.close();
    assert.equal(read(p), '');
  });

  test('each line is written as it comes by default; without flush, lines are written at close', () => {
    const p = file();
    const flushing = new Saver(p, { timestamp: false });
    flushing.write(1);
    assert.equal(read(p), '1\n');
    flushing.close();

    const q = file();
    const buffered = new Saver(q, { timestamp: false, flush: false });
    buffered.write(1);
    buffered.write(2);
    assert.equal(read(q), '');
    buffered.close();
    assert.equal(read(q), '1\n2\n');
  });

  test('closing twice is harmless and later writes are ignored', () => {
    const p = file();
    const s = new Saver(p, { timestamp: false });
    s.write('a');
    s.close();
    s.close();
    s.write('b');
    assert.equal(read(p), 'a\n');
  });

  test('an empty path disables the saver: nothing is written anywhere', () => {
    const before = fs.readdirSync(dir).length;
    const s = new Saver('');
    s.write(1, 'x');
    s.flushNow();
    s.close();
    assert.equal(fs.readdirSync(dir).length, before);
  });

  test('a file that cannot be opened fails with `Could not open` and the path', () => {
    const p = path.join(dir, 'no-such-dir', 'out.txt');
    assert.throws(() => new Saver(p), { message: `Could not open '${p}'` });
  });
});
