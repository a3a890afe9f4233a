import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProduceReport } from '../covid/producer.js';
import { covidSummary } from './covid-summary.js';

const URL = 'http://127.0.0.1:8041';

function report(changes: Partial<ProduceReport>): ProduceReport {
  return {
    realDays: 37,
    syntheticDays: 3,
    measures: 9240,
    seconds: 1.234,
    realUntil: '2020-03-31',
    lastDay: '2020-04-03',
    stopped: false,
    ...changes,
  };
}

test('a complete run: the days of each kind and the day each reached', () => {
  assert.equal(
    covidSummary(report({}), URL, undefined),
    'covid: 37 real days (until 2020-03-31) and 3 synthetic days (until 2020-04-03) sent to ' +
      'http://127.0.0.1:8041: 9240 measures in 1.23 s\n',
  );
  assert.equal(
    covidSummary(report({ realDays: 0, syntheticDays: 0, measures: 0 }), URL, undefined),
    'covid: 0 real days (until 2020-03-31) and 0 synthetic days (until 2020-04-03) sent to ' +
      'http://127.0.0.1:8041: 0 measures in 1.23 s\n',
  );
});

test('a stopped run: the last day sent, not the planned one, and the signal', () => {
  assert.equal(
    covidSummary(
      report({ syntheticDays: 1, lastDay: '2020-04-01', measures: 8778, stopped: true }),
      URL,
      'SIGINT',
    ),
    'covid: 37 real days (until 2020-03-31) and 1 synthetic day (until 2020-04-01) sent to ' +
      'http://127.0.0.1:8041: 8778 measures in 1.23 s; stopped by SIGINT\n',
  );
  assert.equal(
    covidSummary(
      report({
        realDays: 0,
        syntheticDays: 0,
        measures: 0,
        realUntil: undefined,
        lastDay: undefined,
        stopped: true,
      }),
      URL,
      'SIGTERM',
    ),
    'covid: 0 real days and 0 synthetic days sent to http://127.0.0.1:8041: 0 measures in 1.23 s; ' +
      'stopped by SIGTERM\n',
  );
  assert.equal(
    covidSummary(report({ realDays: 1, measures: 1, lastDay: undefined, stopped: true }), URL, undefined),
    'covid: 1 real day (until 2020-03-31) and 3 synthetic days sent to http://127.0.0.1:8041: 1 measure in ' +
      '1.23 s; stopped\n',
  );
});
