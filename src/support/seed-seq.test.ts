import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeedSeq } from './seed-seq.js';

// Expected words: printed by a C++ program built with g++ 12 / libstdc++ (std::seed_seq::generate).

test('seed_seq{0}.generate of 5 words is libstdc++’s', () => {
  assert.deepEqual(
    [...new SeedSeq([0]).generate(5)],
    [1035957333, 2227540911, 3109023035, 3984494576, 2825491885],
  );
});

test('seed_seq{1, 2, 3}.generate of 10 words is libstdc++’s', () => {
  assert.deepEqual(
    [...new SeedSeq([1, 2, 3]).generate(10)],
    [
      4069278582, 1003217515, 3259405872, 538510628, 148169650, 2686142965, 4168267496, 2286043007,
      1924303767, 770742192,
    ],
  );
});

test('an empty seed_seq gives 3344521480 for one word; zero words give nothing', () => {
  assert.deepEqual([...new SeedSeq([]).generate(1)], [3344521480]);
  assert.deepEqual([...new SeedSeq([7]).generate(0)], []);
});

test('624 words of seed_seq{42} (an mt19937 state) end as libstdc++’s', () => {
  assert.deepEqual([...new SeedSeq([42]).generate(624).slice(-3)], [266838317, 1279115383, 1411929093]);
});

test('values are taken modulo 2^32: -1 and 2^32 - 1 seed alike, 2^32 as 0', () => {
  const expected = [3713304174, 4175339160, 4226715199];
  assert.deepEqual([...new SeedSeq([4294967295]).generate(3)], expected);
  assert.deepEqual([...new SeedSeq([-1]).generate(3)], expected);
  assert.deepEqual(new SeedSeq([4294967296]).values, [0]);
});

test('a value that is not a safe integer is refused, naming its index', () => {
  assert.throws(() => new SeedSeq([1, 0.5]), { message: 'seed_seq value 1 is not an integer: 0.5' });
  assert.throws(() => new SeedSeq([2 ** 60]), { message: `seed_seq value 0 is not an integer: ${2 ** 60}` });
});
