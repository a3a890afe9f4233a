import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Conf } from './conf.js';

describe('Conf.parse (spec §0.2)', () => {
  test('comma-separated key=value pairs, keys in the order given', () => {
    const c = Conf.parse('type=trivial,period=10,stat=mean');
    assert.deepEqual(c.keys(), ['type', 'period', 'stat']);
    assert.equal(c.get('type'), 'trivial');
    assert.equal(c.get('period'), '10');
    assert.equal(c.get('stat'), 'mean');
    assert.equal(c.toString(), 'type=trivial,period=10,stat=mean');
    assert.deepEqual(c.duplicates, []);
  });

  test('empty string gives an empty conf', () => {
    const c = Conf.parse('');
    assert.deepEqual(c.keys(), []);
    assert.equal(c.has('type'), false);
    assert.equal(c.toString(), '');
  });

  test('a value may contain `=` after its first character: a=b=c gives a → b=c', () => {
    const c = Conf.parse('a=b=c');
    assert.deepEqual(c.keys(), ['a']);
    assert.equal(c.get('a'), 'b=c');
  });

  test('duplicate key: the first value wins and the key is reported', () => {
    const c = Conf.parse('type=grpc,a=1,type=quic,type=other');
    assert.equal(c.get('type'), 'grpc');
    assert.deepEqual(c.keys(), ['type', 'a']);
    assert.deepEqual(c.duplicates, ['type', 'type']);
  });

  test('blanks around keys and values are trimmed (quirk Q4 fixed)', () => {
    const c = Conf.parse('type=grpc, persistence=0.05');
    assert.deepEqual(c.keys(), ['type', 'persistence']);
    assert.equal(c.has('persistence'), true);
    assert.equal(c.has(' persistence'), false);
    assert.equal(c.getDouble('persistence'), 0.05);
    assert.equal(Conf.parse('  a  =  x y  ').get('a'), 'x y');
  });

  test('a trailing comma is accepted, as by the original parser', () => {
    assert.deepEqual(Conf.parse('a=1,').keys(), ['a']);
  });

  test('a key may hold a comma that is not its first character, as in the original', () => {
    const c = Conf.parse('a=1,x,y=2');
    assert.equal(c.get('a'), '1');
    assert.equal(c.get('x,y'), '2');
  });

  for (const bad of [
    'type', // no `=` for the key
    'a=1,b', // no `=` for the second key
    '=1', // empty key
    ' =1', // blank key
    'a=1,=2', // empty second key
    'a=1,,b=2', // key starting with `,`
    'a=', // empty value
    'a=,b=1', // empty value before a comma
    'a= ,b=1', // blank value
    'a==b', // value starting with `=`
    'a=1, ', // trailing blank after a comma: no `=`
    ',', // only a comma
  ]) {
    test(`malformed ${JSON.stringify(bad)} fails with the whole string in the message`, () => {
      assert.throws(() => Conf.parse(bad), { message: `Invalid configuration: ${bad}` });
    });
  }
});

describe('Conf typed getters', () => {
  const c = Conf.parse(
    'd=0.05,e=1e-3,p=10abc,dot=.5,neg=-2.5,int=42,prefix=3.7,nint=-3,big=99999999999,word=abc,' +
      'exp=1e,expsign=2e+,huge=1e999,t=TRUE,y=Yes,one=1,f=false,n=NO,zero=0,maybe=Maybe',
  );

  test('get: missing key fails with `No value found for key: <k>`', () => {
    assert.throws(() => c.get('nope'), { message: 'No value found for key: nope' });
    assert.equal(c.getOr('nope', 'fallback'), 'fallback');
    assert.equal(c.getOr('word', 'fallback'), 'abc');
  });

  test('getDouble reads a leading numeric prefix like a C++ stream', () => {
    assert.equal(c.getDouble('d'), 0.05);
    assert.equal(c.getDouble('e'), 0.001);
    assert.equal(c.getDouble('p'), 10);
    assert.equal(c.getDouble('dot'), 0.5);
    assert.equal(c.getDouble('neg'), -2.5);
    assert.equal(c.getDouble('int'), 42);
  });

  test('getDouble errors', () => {
    assert.throws(() => c.getDouble('nope'), { message: 'No value found for key: nope' });
    assert.throws(() => c.getDouble('word'), { message: 'Invalid type when converting abc as double' });
    assert.throws(() => c.getDouble('exp'), { message: 'Invalid type when converting 1e as double' });
    assert.throws(() => c.getDouble('expsign'), { message: 'Invalid type when converting 2e+ as double' });
    assert.throws(() => c.getDouble('huge'), { message: 'Invalid type when converting 1e999 as double' });
  });

  test('getInt reads a leading integer prefix', () => {
    assert.equal(c.getInt('int'), 42);
    assert.equal(c.getInt('p'), 10);
    assert.equal(c.getInt('prefix'), 3);
    assert.equal(c.getInt('nint'), -3);
  });

  test('getInt errors', () => {
    assert.throws(() => c.getInt('nope'), { message: 'No value found for key: nope' });
    assert.throws(() => c.getInt('word'), { message: 'Invalid type when converting abc as int' });
    assert.throws(() => c.getInt('dot'), { message: 'Invalid type when converting .5 as int' });
    assert.throws(() => c.getInt('big'), { message: 'Invalid type when converting 99999999999 as int' });
  });

  test('getUint accepts non-negative integers and rejects negatives', () => {
    assert.equal(c.getUint('int'), 42);
    assert.equal(c.getUint('zero'), 0);
    assert.throws(() => c.getUint('nint'), { message: "Invalid value '-3' for key 'nint': cannot be < 0" });
    assert.throws(() => c.getUint('word'), { message: 'Invalid type when converting abc as int' });
    assert.throws(() => c.getUint('nope'), { message: 'No value found for key: nope' });
  });

  test('getBool accepts true/yes/1 and false/no/0 in any case', () => {
    for (const k of ['t', 'y', 'one']) assert.equal(c.getBool(k), true, k);
    for (const k of ['f', 'n', 'zero']) assert.equal(c.getBool(k), false, k);
  });

  test('getBool errors (the value is shown lower-cased, as in the original)', () => {
    assert.throws(() => c.getBool('maybe'), { message: 'Invalid type when converting maybe as bool' });
    assert.throws(() => c.getBool('int'), { message: 'Invalid type when converting 42 as bool' });
    assert.throws(() => c.getBool('nope'), { message: 'No value found for key: nope' });
  });
});
