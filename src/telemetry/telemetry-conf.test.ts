import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTelemetryConf } from './telemetry-conf.js';

describe('--telemetry', () => {
  test('empty: none', () => {
    assert.equal(parseTelemetryConf(''), undefined);
    assert.equal(parseTelemetryConf('  '), undefined);
  });

  test('a URL alone takes the defaults', () => {
    assert.deepEqual(parseTelemetryConf('http://127.0.0.1:8041/'), {
      url: 'http://127.0.0.1:8041',
      user: 'admin',
      password: '',
      interval: 1,
      queue: 10000,
      timeout: 5,
    });
  });

  test('keys after the URL; the secrets come from the environment', () => {
    const env = { SOE_TIMESERIES_TOKEN: 'tok', SOE_TIMESERIES_PASSWORD: 'pw' };
    assert.deepEqual(
      parseTelemetryConf('https://ts.example:8041,user=edge,interval=0.5,queue=100,timeout=2,name=r1', env),
      {
        url: 'https://ts.example:8041',
        user: 'edge',
        password: 'pw',
        token: 'tok',
        interval: 0.5,
        queue: 100,
        timeout: 2,
        name: 'r1',
      },
    );
  });

  test('bad values are refused, naming the option', () => {
    const cases: [string, string][] = [
      [
        '127.0.0.1:8041',
        "--telemetry: expected an http:// or https:// URL such as http://127.0.0.1:8041 first, got '127.0.0.1:8041'",
      ],
      [
        'http://u:p@127.0.0.1:8041',
        "--telemetry: expected an http:// or https:// URL such as http://127.0.0.1:8041 first, got 'http://u:p@127.0.0.1:8041'",
      ],
      [
        'http://h:1,password=x',
        "--telemetry: unknown key 'password' (keys: user, interval, queue, timeout, name)",
      ],
      ['http://h:1,interval=0', "--telemetry: interval must be a number in ]0, 3600], got '0'"],
      ['http://h:1,queue=1.5', "--telemetry: queue must be an integer in ]0, 1000000], got '1.5'"],
      ['http://h:1,timeout=soon', "--telemetry: timeout must be a number in ]0, 3600], got 'soon'"],
      ['http://h:1,user', 'Invalid configuration: user'],
    ];
    for (const [text, message] of cases) assert.throws(() => parseTelemetryConf(text), { message }, text);
  });
});
