import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelProblem, lambdaNameProblem, MAX_NAME_LENGTH } from './name-rules.js';

test('lambda names: 1 to 256 characters, no control character, no blank', () => {
  for (const ok of ['clambda0', 'clambda@1', '/ns/action', 'λ-функция', 'x'.repeat(MAX_NAME_LENGTH)]) {
    assert.equal(lambdaNameProblem(ok), undefined, ok);
  }
  assert.equal(lambdaNameProblem(''), 'is empty');
  assert.equal(lambdaNameProblem('a\u0000b'), 'has a control character: "a\\u0000b"');
  assert.equal(lambdaNameProblem('a\nb'), 'has a control character: "a\\nb"');
  assert.equal(lambdaNameProblem('a b'), 'has a blank: "a b"');
  assert.equal(lambdaNameProblem('a\u00a0b'), 'has a blank: "a\u00a0b"');
  const long = 'x'.repeat(1_000_000);
  assert.equal(
    lambdaNameProblem(long),
    `is longer than 256 characters: "${'x'.repeat(64)}"… (1000000 characters)`,
  );
});

test('labels (container and processor names): at most 256 characters, no control character', () => {
  for (const ok of ['', 'cont0', 'Intel Xeon', 'x'.repeat(MAX_NAME_LENGTH)]) {
    assert.equal(labelProblem(ok), undefined, ok);
  }
  assert.equal(labelProblem('cpu\u0000'), 'has a control character: "cpu\\u0000"');
  assert.equal(
    labelProblem('x'.repeat(257)),
    `is longer than 256 characters: "${'x'.repeat(64)}"… (257 characters)`,
  );
});
