import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mt19937 } from './mt19937.js';
import { SeedSeq } from './seed-seq.js';

// Expected outputs: printed by a C++ program built with g++ 12 / libstdc++ unless the standard fixes them.

function outputs(engine: Mt19937, n: number): number[] {
  return Array.from({ length: n }, () => engine.next());
}

test('the 10000th output of a default-constructed std::mt19937 (seed 5489) is 4123659995 (C++11 §26.5.5)', () => {
  const engine = new Mt19937();
  engine.discard(9999);
  assert.equal(engine.next(), 4123659995);
  assert.deepEqual(outputs(new Mt19937(5489), 3), [3499211612, 581869302, 3890346734]);
});

test('integer seeds are std::mt19937(seed)’s, modulo 2^32', () => {
  assert.deepEqual(outputs(new Mt19937(0), 2), [2357136044, 2546248239]);
  assert.equal(new Mt19937(4294967295).next(), 419326371);
  assert.equal(new Mt19937(-1).next(), 419326371);
  const engine = new Mt19937(42);
  engine.discard(9999);
  assert.equal(engine.next(), 1399405940);
});

test('seeded through seed_seq{s}, outputs 1–5 and 10000 are libstdc++’s', () => {
  const cases: [number, number[], number][] = [
    [0, [1529278401, 1377812627, 18815962, 2197268577, 328296240], 2530402915],
    [1, [853323747, 2396352728, 3025954838, 2985633182, 2815751046], 2807203798],
    [42, [2614276261, 2440701700, 3212928052, 2674054459, 2616996596], 3448751192],
    [4294967295, [2317373838, 163265020, 3002549091, 443987414, 983975341], 2172235013],
  ];
  for (const [seed, first, tenThousandth] of cases) {
    const engine = Mt19937.fromSeedSeq(new SeedSeq([seed]));
    assert.deepEqual(outputs(engine, 5), first, `seed ${seed}`);
    engine.discard(9994);
    assert.equal(engine.next(), tenThousandth, `seed ${seed}`);
  }
});

test('a seed sequence that leaves only the ignored low 31 bits of word 0 set gets word 0 = 2^31', () => {
  // libstdc++ gives 1141379330, 0 for first words 0, 2^31 - 1 and 2^31 (the rest zero); without the rule
  // the state would be all zero and so would every output.
  for (const first of [0, 0x7fffffff, 0x80000000]) {
    const seq = new SeedSeq([]);
    seq.generate = (n: number) => Uint32Array.from({ length: n }, (_, i) => (i === 0 ? first : 0));
    assert.deepEqual(outputs(Mt19937.fromSeedSeq(seq), 2), [1141379330, 0], `first word ${first}`);
  }
});

test('outputs are integers in [0, 2^32)', () => {
  const engine = Mt19937.fromSeedSeq(new SeedSeq([3]));
  for (let i = 0; i < 10000; i++) {
    const x = engine.next();
    assert.ok(Number.isInteger(x) && x >= 0 && x <= 0xffffffff, String(x));
  }
});
