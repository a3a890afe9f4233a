// Port of the original's Test/testprocessor.cpp (spec §12.3) plus the processor-sharing factor (§5.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Processor } from './processor.js';

void test('TestProcessor.test_ctor', () => {
  assert.doesNotThrow(() => new Processor('cpu1', 'GenericCpu', 10, 1, 100));
});

void test('TestProcessor.test_ctor: invalid parameters (§5.1)', () => {
  assert.throws(() => new Processor('', 'GenericCpu', 10, 1, 100));
  assert.throws(() => new Processor('cpu1', 'GenericCpu', 0, 1, 100));
  assert.throws(() => new Processor('cpu1', 'GenericCpu', -1, 1, 100));
  assert.throws(() => new Processor('cpu1', 'GenericCpu', 10, 0, 100));
  assert.throws(() => new Processor('cpu1', 'GenericCpu', 10, 1, 0));
});

void test('TestProcessor.test_allocated', () => {
  const p = new Processor('cpu1', 'GenericCpu', 10, 1, 100);
  assert.equal(p.memory, 100);
  assert.equal(p.used, 0);
  assert.equal(p.available, 100);

  p.allocate(10);
  assert.equal(p.memory, 100);
  assert.equal(p.used, 10);
  assert.equal(p.available, 90);

  p.allocate(90);
  assert.equal(p.memory, 100);
  assert.equal(p.used, 100);
  assert.equal(p.available, 0);

  p.free(40);
  assert.equal(p.memory, 100);
  assert.equal(p.used, 60);
  assert.equal(p.available, 40);

  assert.throws(() => p.free(61));
  assert.throws(() => p.allocate(41));
  // failed calls change nothing
  assert.equal(p.used, 60);
  assert.equal(p.available, 40);
});

void test('processor sharing: each of n tasks runs at speed·min(cores, n)/n', () => {
  const p = new Processor('cpu', 'GenericCpu', 100, 4, 1000);
  assert.equal(p.taskSpeed(0), 100);
  assert.equal(p.taskSpeed(1), 100);
  assert.equal(p.taskSpeed(4), 100);
  assert.equal(p.taskSpeed(8), 50);
  assert.equal(p.taskSpeed(), 100); // no active task
  p.activeTasks = 5;
  assert.equal(p.taskSpeed(), 80);
});

void test('processor dump line', () => {
  const p = new Processor('cpu1', 'GenericCpu', 100, 1, 1000);
  p.allocate(10);
  p.activeTasks = 1;
  assert.equal(
    p.toString(),
    'processor name cpu1, type GenericCpu, 1 cores, speed 100 operations/s per core, ' +
      'memory total/available/used 1000/990/10 bytes, 1 running tasks',
  );
  // speeds print like a C++ stream (%g)
  assert.match(
    new Processor('arm', 'GenericCpu', 1e11, 4, 1).toString(),
    /, speed 1e\+11 operations\/s per core,/,
  );
});
