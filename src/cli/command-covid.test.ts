import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeseriesCredentials } from './command-covid.js';

test('the producer’s credentials for --auth users come from the environment, a token first', () => {
  assert.deepEqual(timeseriesCredentials({}), {});
  assert.deepEqual(timeseriesCredentials({ SOE_TIMESERIES_PASSWORD: 'pw' }), { password: 'pw' });
  assert.deepEqual(timeseriesCredentials({ SOE_TIMESERIES_PASSWORD: 'pw', SOE_TIMESERIES_TOKEN: 't' }), {
    token: 't',
  });
  assert.deepEqual(timeseriesCredentials({ SOE_TIMESERIES_TOKEN: '' }), {});
});
